import './config/load-env';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { parseEnv } from './config/env';

async function bootstrap(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = new Logger('Bootstrap');
  for (const name of env.insecureDefaults) {
    logger.warn(`${name} is not set: using an insecure development default`);
  }
  if (!env.API_ENABLED) {
    const context = await NestFactory.createApplicationContext(AppModule);
    context.enableShutdownHooks();
    logger.log('Running without the HTTP API (API_ENABLED=false)');
    return;
  }
  const app = await NestFactory.create(AppModule);
  setupApp(app);
  await app.listen(env.PORT);
  logger.log(`Webhooks API listening on port ${env.PORT} (docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
