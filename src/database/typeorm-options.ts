import { DataSourceOptions } from 'typeorm';
import { Campaign } from '../modules/campaigns/campaign.entity';
import { Message } from '../modules/messages/message.entity';
import { webhooksMigrations, WebhooksModule } from '../modules/webhooks';
import { CreateExampleProducers1764000100000 } from './migrations/1764000100000-CreateExampleProducers';

/** Entities and migrations are listed, not globbed, so ts-jest, ts-node and dist load alike. */
export const ENTITIES = [...WebhooksModule.entities, Message, Campaign];
/** TypeORM runs them in the order of their timestamps, whatever the order here. */
export const MIGRATIONS = [...webhooksMigrations, CreateExampleProducers1764000100000];

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
