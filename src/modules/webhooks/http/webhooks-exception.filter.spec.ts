import { ArgumentsHost, Logger } from '@nestjs/common';
import { InvalidWebhookEventError } from '../webhook-event.error';
import { WebhookLimitError } from '../webhook-limit.error';
import { MAX_BODY_BYTES } from '../../../common/body-limit';
import { HttpExceptionFilter } from './webhooks-exception.filter';

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
