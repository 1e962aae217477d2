import { Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule, Params } from 'nestjs-pino';
import { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { AppConfig } from '../config/app-config';
import { LogLevel } from '../config/env';
import { createAppLogger, httpLoggerOptions } from './app-logger';

/** Where logs go and from which level; tests override it to read what the app logged. */
export const LOG_OUTPUT = Symbol('LOG_OUTPUT');
/** The process's pino logger. */
export const APP_LOGGER = Symbol('APP_LOGGER');
/** The pino-http middleware: setupApp mounts it before anything else (see app.setup.ts). */
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

export interface LogOutput {
  /** Default: stdout. */
  destination?: DestinationStream;
  /** Default: LOG_LEVEL. */
  level?: LogLevel;
}

const providers: Provider[] = [
  { provide: LOG_OUTPUT, useValue: {} satisfies LogOutput },
  {
    provide: APP_LOGGER,
    inject: [ConfigService, LOG_OUTPUT],
    useFactory: (config: AppConfig, output: LogOutput): Logger => {
      const configured = config.get('LOG_LEVEL', { infer: true });
      return createAppLogger(output.level ?? configured, output.destination);
    },
  },
  {
    provide: REQUEST_LOGGER,
    inject: [APP_LOGGER],
    useFactory: (logger: Logger) => pinoHttp(httpLoggerOptions(logger)),
  },
];

/**
 * Structured JSON logs (pino) for the whole process: nestjs-pino's Logger replaces Nest's
 * (main.ts) and writes through the request's logger inside a request. The request logging
 * itself (pino-http) is mounted by setupApp ahead of the body parsers and every other
 * middleware, so even a request they reject gets an id and a log line; nestjs-pino only binds
 * that request logger (`useExisting`).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers,
      inject: [APP_LOGGER],
      useFactory: (logger: Logger): Params => ({ pinoHttp: { logger }, useExisting: true }),
    }),
  ],
})
export class LoggingModule {}
