import { startupEnv } from './config/load-env';
import 'reflect-metadata';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { AppEnv } from './config/env';

/** Nest's logs go through pino (JSON lines); those of the boot are held until it is ready. */
function useJsonLogs(app: INestApplicationContext, env: AppEnv): Logger {
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('Bootstrap');
  for (const name of env.insecureDefaults) {
    logger.warn(`${name} is not set: using an insecure development default`);
  }
  return logger;
}

async function bootstrap(): Promise<void> {
  const env = startupEnv;
  if (!env.API_ENABLED) {
    const context = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
    const logger = useJsonLogs(context, env);
    // Exit 0 once shutdown is done, instead of re-raising the signal.
    context.enableShutdownHooks(undefined, { useProcessExit: true });
    logger.log('Running without the HTTP API (API_ENABLED=false)');
    return;
  }
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger = useJsonLogs(app, env);
  setupApp(app);
  await app.listen(env.PORT, env.HOST);
  logger.log(`Webhooks API listening on ${env.HOST} port ${env.PORT} (docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
