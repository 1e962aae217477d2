import { ArgumentsHost } from '@nestjs/common';
import { MAX_BODY_BYTES } from '../body-limit';
import { HttpExceptionFilter } from './http-exception.filter';

function answer(exception: unknown): { status: number; body: unknown } {
  const sent = { status: 0, body: undefined as unknown };
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

describe('HttpExceptionFilter', () => {
  it('names the body limit the parsers are given when a body is too large', () => {
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(answer({ type: 'entity.too.large', status: 413 })).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'Request body is larger than 1 MiB',
      },
    });
  });
});
