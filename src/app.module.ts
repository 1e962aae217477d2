import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './common/auth/auth.module';
import { JwtAuthGuard } from './common/auth/jwt-auth.guard';
import { AppConfig, envOf } from './config/app-config';
import { parseEnv } from './config/env';
import { WEBHOOKS_ENV, webhooksOptionsFrom } from './config/webhooks-options';
import { typeOrmOptions } from './database/typeorm-options';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import { RedisModule } from './redis/redis.module';
import { AutomationsModule } from './modules/automations/automations.module';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { ContactsModule } from './modules/contacts/contacts.module';
import { ConversationsModule } from './modules/conversations/conversations.module';
import { FlowsModule } from './modules/flows/flows.module';
import { MessagesModule } from './modules/messages/messages.module';
import { TemplatesModule } from './modules/templates/templates.module';
import { WebhooksModule } from './modules/webhooks';

/**
 * The example app: a host of WebhooksModule like any other. Its environment (§1) becomes the
 * module's options, and its JWT auth (§2) the module's tenant and admin resolvers.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: parseEnv }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: AppConfig) =>
        typeOrmOptions(envOf(config, ['DATABASE_URL', 'DB_MIGRATIONS_RUN'])),
    }),
    WebhooksModule.forRootAsync({
      inject: [ConfigService, JwtAuthGuard, MetricsService],
      useFactory: (config: AppConfig, auth: JwtAuthGuard, metrics: MetricsService) =>
        webhooksOptionsFrom(envOf(config, WEBHOOKS_ENV), auth, metrics.registry),
    }),
    LoggingModule,
    MetricsModule,
    RedisModule,
    AuthModule,
    HealthModule,
    // Each declares its event types (§6), in the catalog's order.
    MessagesModule,
    ConversationsModule,
    ContactsModule,
    CampaignsModule,
    FlowsModule,
    AutomationsModule,
    TemplatesModule,
  ],
})
export class AppModule {}
