import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Page } from '../http/pagination.dto';
import { WebhooksConfig } from '../options/webhooks-config';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { Webhook } from './webhook.entity';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, RetryPolicy } from './retry-policy';
import { EventCatalog } from '../events/event-catalog';
import { resolveFormatSettings } from '../routing/format/format-settings';
import { WebhookFilter } from '../routing/routing-settings';
import { SecretDecryptionError } from '../secrets/secret-cipher';
import { UNREADABLE_SECRET } from '../secrets/unreadable-secret';
import { WebhookSecretCipher } from '../secrets/webhook-secret-cipher';
import { WebhookSecretUnreadableError } from '../secrets/webhook-secret-unreadable.error';
import { WebhookUrlPolicy } from '../url-guard/webhook-url.policy';
import { generateSecret } from './validation/webhook-secret';
import { WebhookLimitError } from './webhook-limit.error';

const DEFAULT_GRACE_PERIOD_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Fields a PATCH may clear with null; the others must keep a value. */
const NULLABLE_FIELDS = new Set(['description', 'rateLimitPerSecond', 'filter', 'template']);
const MANUALLY_DISABLED = 'Disabled by a tenant admin';
/**
 * First key of the two-key advisory lock that serializes one tenant's creates (the second is a
 * hash of the tenant id); two-key locks never collide with the relay's one-key lock.
 */
const CREATE_LOCK_SPACE = 727_002;

/**
 * Tenant-scoped CRUD of webhook endpoints. Every query carries the caller's tenant id.
 * Secrets are encrypted in the database; the webhooks this service returns hold them in
 * plaintext, or UNREADABLE_SECRET for one that does not decrypt.
 */
@Injectable()
export class WebhookRegistryService {
  private readonly logger = new Logger(WebhookRegistryService.name);
  private readonly maxPerTenant: number;

  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly cipher: WebhookSecretCipher,
    private readonly catalog: EventCatalog,
    config: WebhooksConfig,
  ) {
    this.maxPerTenant = config.maxWebhooksPerTenant;
  }

  async create(tenantId: string, dto: CreateWebhookDto): Promise<Webhook> {
    this.assertSubscriptions(dto.events);
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
      secret: this.cipher.encrypt(dto.secret ?? generateSecret()),
      filter: dto.filter ?? null,
      ordering: dto.ordering ?? 'unordered',
      ...resolveFormatSettings(dto),
    });
    const saved = await this.webhooks.manager.transaction(async (manager) => {
      await this.assertRoomForOneMore(manager, tenantId);
      return manager.save(webhook);
    });
    return this.reveal(saved);
  }

  /** 400 unless every entry is a type of the app's event catalog, `<category>.*` or `*`. */
  private assertSubscriptions(events: readonly unknown[]): void {
    const problems = this.catalog.subscriptionProblems(events);
    if (problems.length > 0) throw new BadRequestException(problems);
  }

  /**
   * Throws WebhookLimitError when the tenant has maxWebhooksPerTenant webhooks, disabled ones
   * included. The tenant's creates queue on an advisory lock held until commit, so two of them
   * can never both count the last free place.
   */
  private async assertRoomForOneMore(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      CREATE_LOCK_SPACE,
      tenantId,
    ]);
    const count = await manager.countBy(Webhook, { tenantId });
    if (count >= this.maxPerTenant) throw new WebhookLimitError(this.maxPerTenant);
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
    if (query.event !== undefined) {
      if (!this.catalog.isValidSubscription(query.event)) {
        throw new BadRequestException(['event must be a catalog event type or pattern']);
      }
      const patterns = this.catalog.isSubscribableType(query.event)
        ? this.catalog.subscriptionPatternsFor(query.event)
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

  /** The whole current secret; 409 when it does not decrypt (this is the only route showing it). */
  async findSecret(tenantId: string, id: string): Promise<string> {
    const webhook = await this.webhooks.findOne({
      select: { id: true, secret: true },
      where: { id, tenantId },
    });
    if (!webhook) throw new NotFoundException('Webhook not found');
    return this.decryptOrConflict(webhook.id, webhook.secret);
  }

  /**
   * 404 unless the tenant has this webhook; 409 when a secret a delivery would sign with (the
   * current one, the previous one in its grace period) does not decrypt.
   */
  async assertSecretsReadable(tenantId: string, id: string): Promise<void> {
    const webhook = await this.webhooks.findOne({
      select: { id: true, secret: true, previousSecret: true, previousSecretExpiresAt: true },
      where: { id, tenantId },
    });
    if (!webhook) throw new NotFoundException('Webhook not found');
    this.decryptOrConflict(webhook.id, webhook.secret);
    if (inGracePeriod(webhook)) this.decryptOrConflict(webhook.id, webhook.previousSecret);
  }

  /** Throws 404 unless the tenant has this webhook. Reads no secret, so nothing is decrypted. */
  async assertOwned(tenantId: string, id: string): Promise<void> {
    if (!(await this.webhooks.existsBy({ id, tenantId }))) {
      throw new NotFoundException('Webhook not found');
    }
  }

  /** The delivery activity of one webhook (404 when not the tenant's), without its secrets. */
  async findActivity(tenantId: string, id: string): Promise<WebhookActivity> {
    const webhook = await this.webhooks.findOne({
      select: {
        lastTriggeredAt: true,
        lastSuccessAt: true,
        lastFailureAt: true,
        consecutiveFailures: true,
      },
      where: { id, tenantId },
    });
    if (!webhook) throw new NotFoundException('Webhook not found');
    return webhook;
  }

  /**
   * Writes only the columns the request names, so counters and an auto-disable that a worker
   * writes meanwhile are never overwritten with what this request read.
   */
  async update(tenantId: string, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    const problems = Object.entries(dto)
      .filter(([field, value]) => value === null && !NULLABLE_FIELDS.has(field))
      .map(([field]) => `${field} must not be null`);
    if (Array.isArray(dto.events)) problems.push(...this.catalog.subscriptionProblems(dto.events));
    if (problems.length > 0) throw new BadRequestException(problems);
    const current = await this.findOne(tenantId, id);
    if (dto.url !== undefined) await this.urlPolicy.assertAllowed(dto.url);
    const { retryPolicy, isActive, secret, format, template, filter, ...fields } = dto;
    const changes: QueryDeepPartialEntity<Webhook> = stripUndefined(fields);
    // Stored as given (jsonb); its keys are paths, not columns to merge into.
    if (filter !== undefined) changes.filter = filter as QueryDeepPartialEntity<WebhookFilter>;
    if (format !== undefined || template !== undefined) {
      Object.assign(changes, resolveFormatSettings({ format, template }, current));
    }
    if (secret !== undefined) changes.secret = this.cipher.encrypt(secret);
    if (retryPolicy) changes.retryPolicy = mergeRetryPolicy(current.retryPolicy, retryPolicy);
    if (isActive === true) {
      // Re-enabling clears the failure streak, but only if the webhook was in fact disabled.
      Object.assign(changes, {
        isActive: true,
        disabledReason: null,
        consecutiveFailures: () => 'CASE WHEN is_active THEN consecutive_failures ELSE 0 END',
        failingSince: () => 'CASE WHEN is_active THEN failing_since ELSE NULL END',
      });
    } else if (isActive === false) {
      Object.assign(changes, {
        isActive: false,
        disabledReason: () =>
          `CASE WHEN is_active THEN '${MANUALLY_DISABLED}' ELSE disabled_reason END`,
      });
    }
    if (Object.keys(changes).length > 0) await this.webhooks.update({ id, tenantId }, changes);
    return this.findOne(tenantId, id);
  }

  /**
   * The webhook, and with it its delivery logs (a trigger on webhooks deletes them); an outbox
   * insert for it finishes first (FOR KEY SHARE).
   */
  async remove(tenantId: string, id: string): Promise<void> {
    const result = await this.webhooks.delete({ id, tenantId });
    if (!result.affected) throw new NotFoundException('Webhook not found');
  }

  /**
   * The current secret becomes the previous one for the grace period, unless it does not
   * decrypt: one that cannot sign is replaced outright, as with gracePeriodHours 0. The row is
   * locked from that check to the write, so a concurrent rotation is not lost.
   */
  async rotateSecret(tenantId: string, id: string, dto: RotateSecretDto): Promise<Webhook> {
    const graceHours = dto.gracePeriodHours ?? DEFAULT_GRACE_PERIOD_HOURS;
    await this.webhooks.manager.transaction(async (manager) => {
      const current = await manager.findOne(Webhook, {
        select: { id: true, secret: true },
        where: { id, tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) throw new NotFoundException('Webhook not found');
      const keepPrevious = graceHours > 0 && this.decrypted(current.id, current.secret) !== null;
      await manager.update(
        Webhook,
        { id, tenantId },
        {
          secret: this.cipher.encrypt(dto.secret ?? generateSecret()),
          previousSecret: keepPrevious ? current.secret : null,
          previousSecretExpiresAt: keepPrevious
            ? new Date(Date.now() + graceHours * HOUR_MS)
            : null,
        },
      );
    });
    return this.findOne(tenantId, id);
  }

  /**
   * A webhook read from the database, with its secrets decrypted: the routes showing it mask
   * the secret, so one that does not decrypt becomes UNREADABLE_SECRET rather than failing the
   * request (or the whole page of a list). A previous secret past its grace period is dropped
   * undecrypted: it no longer signs.
   */
  private reveal(webhook: Webhook): Webhook {
    webhook.secret = this.decrypted(webhook.id, webhook.secret) ?? UNREADABLE_SECRET;
    webhook.previousSecret = inGracePeriod(webhook)
      ? (this.decrypted(webhook.id, webhook.previousSecret) ?? UNREADABLE_SECRET)
      : null;
    return webhook;
  }

  /** Null when the value does not decrypt; operators find the key id in the log. */
  private decrypted(webhookId: string, stored: string): string | null {
    try {
      return this.cipher.decrypt(stored);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      this.logger.warn(`Webhook ${webhookId}: ${error.message}`);
      return null;
    }
  }

  /** A secret that does not decrypt answers 409; the tenant's answer omits the key id. */
  private decryptOrConflict(webhookId: string, stored: string): string {
    const plain = this.decrypted(webhookId, stored);
    if (plain === null) throw new WebhookSecretUnreadableError(webhookId);
    return plain;
  }
}

/** True while the previous secret still signs (the same rule as the delivery claim's SQL). */
function inGracePeriod(
  webhook: Pick<Webhook, 'previousSecret' | 'previousSecretExpiresAt'>,
): webhook is Pick<Webhook, 'previousSecretExpiresAt'> & { previousSecret: string } {
  return (
    webhook.previousSecret !== null &&
    webhook.previousSecretExpiresAt !== null &&
    webhook.previousSecretExpiresAt.getTime() > Date.now()
  );
}

export type WebhookActivity = Pick<
  Webhook,
  'lastTriggeredAt' | 'lastSuccessAt' | 'lastFailureAt' | 'consecutiveFailures'
>;

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
