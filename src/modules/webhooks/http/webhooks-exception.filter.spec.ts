import { ArgumentsHost, Logger } from '@nestjs/common';
import { InvalidWebhookEventError } from '../events/webhook-event.error';
import { WebhookLimitError } from '../endpoints/webhook-limit.error';
import { WebhooksExceptionFilter } from './webhooks-exception.filter';

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
  new WebhooksExceptionFilter().catch(exception, host);
  return sent;
}

describe('WebhooksExceptionFilter', () => {
  it.each([
    [1024 * 1024, 'Request body is larger than 1 MiB'],
    [100 * 1024, 'Request body is larger than 100 KiB'],
    [1000, 'Request body is larger than 1000 bytes'],
    [undefined, 'Request body is too large'],
  ])("names the body parser's limit (%s) when a body is too large", (limit, message) => {
    expect(answer({ type: 'entity.too.large', status: 413, limit })).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'Payload Too Large',
        message,
      },
    });
  });

  describe('domain errors, wherever they are thrown from', () => {
    it('answers an invalid event 400, listing the problem like a validation error', () => {
      expect(answer(new InvalidWebhookEventError('Unknown webhook event type "x.y"'))).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: ['Unknown webhook event type "x.y"'],
        },
      });
    });

    it('answers a reached webhook limit 409, naming the limit', () => {
      expect(answer(new WebhookLimitError(16))).toEqual({
        status: 409,
        body: {
          statusCode: 409,
          error: 'Conflict',
          message: expect.stringContaining('at most 16 webhooks'),
        },
      });
    });
  });

  it('answers any other error 500 without detail, and logs it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      expect(answer(new Error('connection refused to 10.0.0.7'))).toEqual({
        status: 500,
        body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
      });
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    } finally {
      logged.mockRestore();
    }
  });
});
