import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page } from '../../common/pagination/pagination.dto';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { Webhook } from './entities/webhook.entity';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, RetryPolicy } from './entities/retry-policy';
import { isKnownEventType, subscriptionPatternsFor } from './events/event-catalog';
import { WebhookSecretCipher } from './secrets/webhook-secret-cipher';
import { WebhookUrlPolicy } from './url-guard/webhook-url.policy';
import { generateSecret } from './validation/webhook-secret';

const DEFAULT_GRACE_PERIOD_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Fields a PATCH may clear with null; the others must keep a value. */
const NULLABLE_FIELDS = new Set(['description', 'rateLimitPerSecond']);

/**
 * Tenant-scoped CRUD of webhook endpoints. Every query carries the caller's tenant id.
 * Secrets are encrypted in the database; the webhooks this service returns hold them in plaintext.
 */
@Injectable()
export class WebhookRegistryService {
  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  async create(tenantId: string, dto: CreateWebhookDto): Promise<Webhook> {
    await this.urlPolicy.assertAllowed(dto.url);
    const webhook = this.webhooks.create({
      tenantId,
      name: dto.name,
      description: dto.description ?? null,
      url: dto.url,
      events: dto.events,
      headers: dto.headers ?? {},
      retryPolicy: mergeRetryPolicy(DEFAULT_RETRY_POLICY, dto.retryPolicy),
      timeoutMs: dto.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
      isActive: dto.isActive ?? true,
      secret: dto.secret ?? generateSecret(),
    });
    return this.save(webhook);
  }

  async list(tenantId: string, query: ListWebhooksQuery): Promise<Page<Webhook>> {
    const builder = this.webhooks
      .createQueryBuilder('webhook')
      .where('webhook.tenant_id = :tenantId', { tenantId })
      .orderBy('webhook.created_at', 'DESC')
      .addOrderBy('webhook.id', 'DESC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    if (query.isActive !== undefined) {
      builder.andWhere('webhook.is_active = :isActive', { isActive: query.isActive });
    }
    if (query.event) {
      const patterns = isKnownEventType(query.event)
        ? subscriptionPatternsFor(query.event)
        : [query.event];
      builder.andWhere('webhook.events && :patterns', { patterns });
    }
    const [data, total] = await builder.getManyAndCount();
    return {
      data: data.map((webhook) => this.reveal(webhook)),
      meta: { page: query.page, limit: query.limit, total },
    };
  }

  async findOne(tenantId: string, id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findOneBy({ id, tenantId });
    if (!webhook) throw new NotFoundException('Webhook not found');
    return this.reveal(webhook);
  }

  async update(tenantId: string, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    const nulls = Object.entries(dto)
      .filter(([field, value]) => value === null && !NULLABLE_FIELDS.has(field))
      .map(([field]) => `${field} must not be null`);
    if (nulls.length > 0) throw new BadRequestException(nulls);
    const webhook = await this.findOne(tenantId, id);
    if (dto.url !== undefined) await this.urlPolicy.assertAllowed(dto.url);
    const { retryPolicy, isActive, ...fields } = dto;
    Object.assign(webhook, stripUndefined(fields));
    if (retryPolicy) webhook.retryPolicy = mergeRetryPolicy(webhook.retryPolicy, retryPolicy);
    if (isActive === true && !webhook.isActive) {
      webhook.isActive = true;
      webhook.disabledReason = null;
      webhook.consecutiveFailures = 0;
      webhook.failingSince = null;
    } else if (isActive === false && webhook.isActive) {
      webhook.isActive = false;
      webhook.disabledReason = 'Disabled by a tenant admin';
    }
    return this.save(webhook);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const result = await this.webhooks.delete({ id, tenantId });
    if (!result.affected) throw new NotFoundException('Webhook not found');
  }

  async rotateSecret(tenantId: string, id: string, dto: RotateSecretDto): Promise<Webhook> {
    const webhook = await this.findOne(tenantId, id);
    const graceHours = dto.gracePeriodHours ?? DEFAULT_GRACE_PERIOD_HOURS;
    webhook.previousSecret = graceHours > 0 ? webhook.secret : null;
    webhook.previousSecretExpiresAt =
      graceHours > 0 ? new Date(Date.now() + graceHours * HOUR_MS) : null;
    webhook.secret = dto.secret ?? generateSecret();
    return this.save(webhook);
  }

  /** Saves with the secrets encrypted; returns the saved webhook with them in plaintext. */
  private async save(webhook: Webhook): Promise<Webhook> {
    const saved = await this.webhooks.save(
      this.webhooks.create({
        ...webhook,
        secret: this.cipher.encrypt(webhook.secret),
        previousSecret: webhook.previousSecret && this.cipher.encrypt(webhook.previousSecret),
      }),
    );
    return Object.assign(saved, { secret: webhook.secret, previousSecret: webhook.previousSecret });
  }

  /** A webhook read from the database, with its secrets decrypted. */
  private reveal(webhook: Webhook): Webhook {
    webhook.secret = this.cipher.decrypt(webhook.secret);
    webhook.previousSecret = webhook.previousSecret && this.cipher.decrypt(webhook.previousSecret);
    return webhook;
  }
}

function mergeRetryPolicy(base: RetryPolicy, change?: Partial<RetryPolicy> | null): RetryPolicy {
  const merged = { ...base, ...stripUndefined(change ?? {}) };
  if (merged.maxDelayMs < merged.initialDelayMs) {
    throw new BadRequestException([
      'retryPolicy.maxDelayMs must be at least retryPolicy.initialDelayMs',
    ]);
  }
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
