/**
 * A delivery worker process for `npm run bench -- --workers N`: the app with its worker role
 * (as `npm run start:worker` runs it), answering the benchmark's questions over IPC.
 */
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { ownUsage } from './usage';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  process.on('message', (message) => {
    if (message === 'usage') process.send?.(ownUsage());
  });
  process.send?.('ready');
}

void main();
