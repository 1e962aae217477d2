import { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger } from 'pino';
import { Options } from 'pino-http';
import { LogLevel } from '../config/env';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';
import {
  redactQuery,
  redactRequestHeaders,
  redactResponseHeaders,
  redactUrl,
} from './request-redaction';

/**
 * Replaced by "[Redacted]" wherever they occur in a log line: credentials of the API's callers
 * and webhook secrets and signatures, so none of them ever reaches the logs. Wildcards match
 * one level, so the usual nestings are listed. The request log passes the allow-lists of
 * request-redaction.ts first; these paths also cover what the app logs by hand.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-webhook-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["webhook-signature"]',
  'headers["x-webhook-signature"]',
  '*.headers.authorization',
  '*.headers["webhook-signature"]',
  '*.headers["x-webhook-signature"]',
  'secret',
  'previousSecret',
  'secrets',
  '*.secret',
  '*.previousSecret',
  '*.secrets',
  '*.*.secret',
  '*.*.previousSecret',
  '*.*.secrets',
];

/** pino-std-serializers' view of a request and a response, the fields we rewrite. */
interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  headers?: unknown;
}
interface SerializedResponse {
  headers?: unknown;
}

/** Routes probed every few seconds: logged only when they do not answer 2xx/3xx. */
const PROBE_PATHS = new Set(['/health', '/metrics']);

/** The process's one pino logger: JSON lines, level names, ISO times, secrets redacted. */
export function createAppLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * pino-http on top of that logger: every request gets an id (the caller's `x-request-id` when
 * sane, else a UUID), echoed in the response and bound to each log line of the request
 * (`reqId`; the completion line also has `req.id`). Headers are logged by allow-list (others
 * by name only) and secret-looking query parameters are redacted, in `url` and `query` alike.
 */
export function httpLoggerOptions(logger: Logger): Options {
  return {
    logger,
    quietReqLogger: true,
    // They get pino-http's standard serialization: a fresh object, but its headers and query
    // are the request's own, so they are replaced by redacted copies, never changed.
    serializers: {
      req: (req: SerializedRequest) => {
        req.url = typeof req.url === 'string' ? redactUrl(req.url) : req.url;
        req.query = redactQuery(req.query);
        req.headers = redactRequestHeaders(req.headers);
        return req;
      },
      res: (res: SerializedResponse) => {
        res.headers = redactResponseHeaders(res.headers);
        return res;
      },
    },
    genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
    customLogLevel: (req, res, error) => {
      if (PROBE_PATHS.has(pathOf(req)) && !error) return res.statusCode >= 400 ? 'warn' : 'silent';
      return error || res.statusCode >= 500 ? 'error' : 'info';
    },
    // pino-http invents an Error (with this module's stack) for a 5xx without one; the status
    // says it all, and the real error is logged where it was caught.
    customErrorObject: (_req, res, error, fields: Record<string, unknown>) =>
      !res.err && error.message === `failed with status code ${res.statusCode}`
        ? { ...fields, err: undefined }
        : fields,
  };
}

/**
 * Gives the request its id once (an earlier middleware may already have) and echoes it in the
 * `x-request-id` response header.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  if (typeof req.id !== 'string' || req.id === '') req.id = requestIdFor(req);
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, req.id);
  return req.id;
}

function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
