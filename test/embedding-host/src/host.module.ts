import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule, webhooksMigrations } from 'nest-webhooks';
import { BillingModule } from './billing/billing.module';
import { CreateInvoices1700000000000 } from './billing/create-invoices.migration';
import { Invoice } from './billing/invoice.entity';
import { hostEnv } from './host-env';
import { OrgKeys, OrgKeysModule } from './org-keys';

@Module({
  imports: [
    OrgKeysModule,
    // The host's connection with TypeORM's default naming strategy.
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: hostEnv('DATABASE_URL'),
      entities: [Invoice, ...WebhooksModule.entities],
      migrations: [CreateInvoices1700000000000, ...webhooksMigrations],
      migrationsRun: true,
    }),
    WebhooksModule.forRootAsync({
      inject: [OrgKeys],
      useFactory: (orgs: OrgKeys) => ({
        redis: { url: hostEnv('REDIS_URL') },
        queuePrefix: hostEnv('QUEUE_PREFIX'),
        secretEncryptionKey: hostEnv('WEBHOOK_KEY'),
        tenant: (request) => orgs.orgOf(request),
        worker: { enabled: true, concurrency: 5 },
        routePrefix: 'v2',
        allowPrivateUrls: true,
        requireHttps: false,
      }),
    }),
    BillingModule,
  ],
})
export class HostModule {}
