import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HostModule } from './host.module';

/** A host of its own: its own global prefix and no global pipes or filters. */
async function bootstrap(): Promise<void> {
  // Errors while building the app reach the catch below instead of aborting the process.
  const app = await NestFactory.create(HostModule, { abortOnError: false, logger: ['error'] });
  app.setGlobalPrefix('billing');
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(`billing host listening on port ${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
