import { OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import {
  isOperationalEventType,
  MODULE_CATEGORY,
  OPERATIONAL_ENTRIES,
  TEST_ENTRY,
  WILDCARD_ENTRY,
} from './built-in-events';
import { WebhookEventDefinition } from './event-definition';
import { categoryOf, definitionProblems } from './event-definition-rules';
import { WebhookEventCatalogError } from './event-catalog.error';
import { TEST_EVENT_TYPE, WILDCARD_EVENT } from './event-types';

/** One line of GET /webhooks/events. */
export type EventCatalogEntry = WebhookEventDefinition;

interface Declaration {
  definition: Readonly<WebhookEventDefinition>;
  /** Who declared it, for boot errors: `WebhooksModule.forRoot({ events })`, a forFeature call. */
  source: string;
}

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

/** The four fields of a valid definition, copied and frozen: later changes by the host do not leak in. */
const frozenCopy = (value: WebhookEventDefinition): Readonly<WebhookEventDefinition> =>
  deepFreeze(
    structuredClone({
      type: value.type,
      category: value.category,
      description: value.description,
      samplePayload: value.samplePayload,
    }),
  );

const describe = (value: unknown): string =>
  typeof (value as { type?: unknown } | null)?.type === 'string'
    ? `"${(value as { type: string }).type}"`
    : (JSON.stringify(value) ?? String(value));

/**
 * The event types of one WebhooksModule: the union of `forRoot({ events })` and every
 * `forFeature({ events })`, in the order they were declared, then the module's own: `*`,
 * `webhook.test` and the operational events `webhook.disabled` and `webhook.delivery_failed`.
 * Declarations arrive while the module graph is built (forFeature's provider constructors),
 * so the catalog is complete before any onModuleInit runs or the app serves a request; at
 * bootstrap it closes, and a new type declared later (a lazy-loaded module) is refused.
 */
export class EventCatalog implements OnModuleInit, OnApplicationBootstrap {
  private readonly declared = new Map<string, Declaration>();
  /** What declareAtBoot refused, thrown at init. */
  private readonly bootProblems: string[] = [];
  private initialized = false;
  private closed = false;

  /**
   * A declaration made while Nest builds the module graph. Its problems are thrown together at
   * init: by then every provider exists, so the host's `app.init()` fails with all of them and
   * `app.close()` still releases the connections the module and the host opened.
   */
  declareAtBoot(definitions: readonly unknown[], source: string): void {
    // After init no hook is left to throw them: a late module (a lazy one) fails to load.
    if (this.initialized) return this.declare(definitions, source);
    try {
      this.declare(definitions, source);
    } catch (error) {
      if (!(error instanceof WebhookEventCatalogError)) throw error;
      this.bootProblems.push(...error.problems);
    }
  }

  onModuleInit(): void {
    this.initialized = true;
    if (this.bootProblems.length > 0) throw new WebhookEventCatalogError(this.bootProblems);
  }

  /**
   * Adds `definitions`, all or none: throws WebhookEventCatalogError naming every invalid
   * definition and every type already declared differently. The same definition twice is fine,
   * even after bootstrap; a new type then is refused.
   */
  declare(definitions: readonly unknown[], source: string): void {
    if (!Array.isArray(definitions)) {
      throw new WebhookEventCatalogError([`${source}: events must be an array of definitions`]);
    }
    const problems: string[] = [];
    const added = new Map<string, Declaration>();
    definitions.forEach((value: unknown, index) => {
      const invalid = definitionProblems(value);
      if (invalid.length > 0) {
        problems.push(`${source}, events[${index}] ${describe(value)}: ${invalid.join('; ')}`);
        return;
      }
      const declaration = { definition: frozenCopy(value as WebhookEventDefinition), source };
      const { type } = declaration.definition;
      const earlier = this.declared.get(type) ?? added.get(type);
      if (!earlier) {
        added.set(type, declaration);
      } else if (!isDeepStrictEqual(earlier.definition, declaration.definition)) {
        problems.push(conflict(type, earlier, declaration));
      }
    });
    if (this.closed && added.size > 0) {
      problems.push(
        `${source}: ${[...added.keys()].join(', ')} declared after the application bootstrapped; declare events in a module the app imports at startup`,
      );
    }
    if (problems.length > 0) throw new WebhookEventCatalogError(problems);
    for (const [type, declaration] of added) this.declared.set(type, declaration);
  }

  onApplicationBootstrap(): void {
    this.closed = true;
  }

  /** Every entry, as GET /webhooks/events lists them. */
  entries(): EventCatalogEntry[] {
    const declared = [...this.declared.values()].map(({ definition }) => definition);
    return [
      ...declared,
      // A delivery to a `*` subscriber looks like any other: the first type's sample shows one.
      { ...WILDCARD_ENTRY, samplePayload: declared[0]?.samplePayload ?? {} },
      TEST_ENTRY,
      ...OPERATIONAL_ENTRIES,
    ];
  }

  /** The declared types, without the module's own (`*`, `webhook.*`). */
  types(): string[] {
    return [...this.declared.keys()];
  }

  /** What the test route sends: `webhook.test`, the declared types, the operational events. */
  testableTypes(): string[] {
    return [TEST_EVENT_TYPE, ...this.types(), ...OPERATIONAL_ENTRIES.map((entry) => entry.type)];
  }

  categories(): string[] {
    return [...new Set(this.types().map(categoryOf))];
  }

  /** A declared type: one `triggerEvent` accepts. `*` and the `webhook.*` types are not. */
  isKnownEventType(type: unknown): boolean {
    return typeof type === 'string' && this.declared.has(type);
  }

  /**
   * A type a webhook can subscribe to and receive: a declared one, or an operational event
   * (which only the module raises).
   */
  isSubscribableType(type: unknown): boolean {
    return this.isKnownEventType(type) || isOperationalEventType(type);
  }

  /**
   * What a webhook's `events` may hold: a subscribable type, `<category>.*` of one (the
   * operational events' is `webhook.*`), or `*`. `webhook.test` is not: only the test route
   * sends it.
   */
  isValidSubscription(pattern: unknown): boolean {
    if (typeof pattern !== 'string') return false;
    if (pattern === WILDCARD_EVENT || this.isSubscribableType(pattern)) return true;
    if (!pattern.endsWith('.*')) return false;
    const category = pattern.slice(0, -2);
    return category === MODULE_CATEGORY || this.categories().includes(category);
  }

  /** One message per entry of a webhook's `events` that is not a valid subscription. */
  subscriptionProblems(events: readonly unknown[]): string[] {
    return events
      .filter((pattern) => !this.isValidSubscription(pattern))
      .map((pattern) => `"${String(pattern)}" is not a known event type or pattern`);
  }

  /** The subscriptions that receive `type`. */
  subscriptionPatternsFor(type: string): string[] {
    return [type, `${categoryOf(type)}.*`, WILDCARD_EVENT];
  }

  /** A copy of the sample `data` of a declared type or a module's own; `{}` for others. */
  sampleFor(type: string): Record<string, unknown> {
    if (type === TEST_EVENT_TYPE) return structuredClone(TEST_ENTRY.samplePayload);
    const operational = OPERATIONAL_ENTRIES.find((entry) => entry.type === type);
    if (operational) return structuredClone(operational.samplePayload);
    const declaration = this.declared.get(type);
    return declaration ? structuredClone(declaration.definition.samplePayload) : {};
  }
}

function conflict(type: string, earlier: Declaration, later: Declaration): string {
  return (
    `"${type}" is declared twice with different definitions: ` +
    `${earlier.source} declares ${JSON.stringify(earlier.definition)}, ` +
    `${later.source} declares ${JSON.stringify(later.definition)}`
  );
}
