import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './common/auth/auth.module';
import { AppConfig } from './config/app-config';
import { parseEnv } from './config/env';
import { typeOrmOptions } from './database/typeorm-options';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { workerConnection } from './modules/webhooks/redis/bullmq-connections';
import { RedisModule } from './redis/redis.module';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { MessagesModule } from './modules/messages/messages.module';
import { WebhookWorkerModule } from './modules/webhooks/webhook-worker.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

const infrastructure = [
  ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: parseEnv }),
  TypeOrmModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: AppConfig) =>
      typeOrmOptions({
        DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
        DB_MIGRATIONS_RUN: config.get('DB_MIGRATIONS_RUN', { infer: true }),
      }),
  }),
  BullModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: AppConfig) => ({
      prefix: config.get('QUEUE_PREFIX', { infer: true }),
      // Queues registered without a connection of their own wait through reconnects.
      connection: workerConnection(config.get('REDIS_URL', { infer: true })),
    }),
  }),
];

/** The worker role is chosen when the process starts (WORKER_ENABLED, validated by then). */
const workerRole = parseEnv(process.env).WORKER_ENABLED ? [WebhookWorkerModule] : [];

@Module({
  imports: [
    ...infrastructure,
    LoggingModule,
    MetricsModule,
    RedisModule,
    AuthModule,
    HealthModule,
    WebhooksModule,
    MessagesModule,
    CampaignsModule,
    ...workerRole,
  ],
})
export class AppModule {}
