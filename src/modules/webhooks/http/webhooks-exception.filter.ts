import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { DomainError, DomainErrorKind } from '../support/domain-error';

/** body-parser errors carry a status and a type; they are the client's mistake, not ours. */
interface BodyParserError {
  type?: string;
  status?: number;
  /** The parser's limit in bytes, on 'entity.too.large'. */
  limit?: number;
}

const BODY_PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'Malformed JSON in request body' },
  'entity.too.large': { status: 413, message: 'Request body is too large' },
  'encoding.unsupported': { status: 415, message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, message: 'Unsupported charset' },
  'request.aborted': { status: 400, message: 'Request aborted' },
};

/** The one place a domain error's kind becomes a status. */
const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
};

/**
 * Every error leaves as `{ statusCode, error, message }`. Domain errors get the status of their
 * kind; unknown errors are logged and answered 500 without detail.
 */
@Catch()
export class WebhooksExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WebhooksExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { statusCode, message } = this.describe(exception);
    if (response.headersSent) return;
    response.status(statusCode).json({
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
    });
  }

  private describe(exception: unknown): { statusCode: number; message: string | string[] } {
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message =
        typeof body === 'object' && body !== null && 'message' in body
          ? (body as { message: string | string[] }).message
          : exception.message;
      return { statusCode: exception.getStatus(), message };
    }
    if (exception instanceof DomainError) {
      const statusCode = DOMAIN_ERROR_STATUS[exception.kind];
      // A 400 lists its problems, as validation errors do.
      const message = statusCode === 400 ? [exception.message] : exception.message;
      return { statusCode, message };
    }
    const parserError = exception as BodyParserError;
    const known = parserError?.type ? BODY_PARSER_ERRORS[parserError.type] : undefined;
    if (known && parserError.type === 'entity.too.large' && parserError.limit) {
      return {
        statusCode: known.status,
        message: `Request body is larger than ${bytesLabel(parserError.limit)}`,
      };
    }
    if (known) return { statusCode: known.status, message: known.message };
    if (
      typeof parserError?.status === 'number' &&
      parserError.status >= 400 &&
      parserError.status < 500
    ) {
      return {
        statusCode: parserError.status,
        message: STATUS_CODES[parserError.status] ?? 'Bad request',
      };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

/** 1048576 → "1 MiB", 102400 → "100 KiB". */
function bytesLabel(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
