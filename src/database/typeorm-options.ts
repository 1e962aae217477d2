import { DataSourceOptions } from 'typeorm';
import { WebhookLog } from '../modules/webhooks/entities/webhook-log.entity';
import { Webhook } from '../modules/webhooks/entities/webhook.entity';
import { CreateWebhooks1764000000000 } from './migrations/1764000000000-CreateWebhooks';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { AfterCommitSubscriber } from '../modules/webhooks/outbox/after-commit.subscriber';

/** Entities and migrations are listed, not globbed, so ts-jest, ts-node and dist load alike. */
export const ENTITIES = [Webhook, WebhookLog];
export const MIGRATIONS = [CreateWebhooks1764000000000];

/** The one TypeORM configuration, shared by the app and the migration CLI. */
export function typeOrmOptions(env: {
  DATABASE_URL: string;
  DB_MIGRATIONS_RUN: boolean;
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [AfterCommitSubscriber],
    migrationsRun: env.DB_MIGRATIONS_RUN,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: 20 },
  };
}
