import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mountBullBoard } from './admin/bull-board';
import { MAX_BODY_BYTES } from './common/body-limit';
import { webhooksValidationPipes, WebhooksExceptionFilter } from './modules/webhooks';
import { REQUEST_LOGGER } from './logging/logging.module';

/** Pipes, filters, body limits and API docs: shared by main.ts and the e2e tests. */
export function setupApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  // First: every request gets an id and a log line, even one a body parser rejects.
  express.use(app.get(REQUEST_LOGGER));
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: false });
  express.disable('x-powered-by');
  // The webhooks module's routes bring their own; the app's own routes follow the same rules.
  app.useGlobalFilters(new WebhooksExceptionFilter());
  app.useGlobalPipes(...webhooksValidationPipes());
  // Exit 0 once shutdown is done, instead of re-raising the signal.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  // After the body parsers: the admin login form is urlencoded.
  mountBullBoard(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Webhooks API')
      .setDescription('Register webhook endpoints and inspect their deliveries.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
