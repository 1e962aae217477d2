import { DataSourceOptions } from 'typeorm';
import { Campaign } from '../modules/campaigns/campaign.entity';
import { Message } from '../modules/messages/message.entity';
import { WebhookLog } from '../modules/webhooks/entities/webhook-log.entity';
import { Webhook } from '../modules/webhooks/entities/webhook.entity';
import { CreateWebhooks1764000000000 } from '../modules/webhooks/migrations/1764000000000-CreateWebhooks';
import { CreateExampleProducers1764000100000 } from './migrations/1764000100000-CreateExampleProducers';
import { EncryptWebhookSecrets1764000200000 } from '../modules/webhooks/migrations/1764000200000-EncryptWebhookSecrets';
import { TenantIdsAsText1764000300000 } from '../modules/webhooks/migrations/1764000300000-TenantIdsAsText';

/** Entities and migrations are listed, not globbed, so ts-jest, ts-node and dist load alike. */
export const ENTITIES = [Webhook, WebhookLog, Message, Campaign];
export const MIGRATIONS = [
  CreateWebhooks1764000000000,
  CreateExampleProducers1764000100000,
  EncryptWebhookSecrets1764000200000,
  TenantIdsAsText1764000300000,
];

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
    migrationsRun: env.DB_MIGRATIONS_RUN,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 20 },
  };
}
