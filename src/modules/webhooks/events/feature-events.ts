import { DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { relative } from 'node:path';
import { WebhookEventDefinition } from './event-definition';
import { EventCatalog } from './event-catalog';

const FEATURE_EVENTS = Symbol('webhook feature events');

interface FeatureEventsOptions {
  events: readonly WebhookEventDefinition[];
  /** Where forFeature was called, to name this declaration in boot errors. */
  source: string;
}

/** Adds one forFeature call's events to the catalog as soon as Nest builds the module graph. */
@Injectable()
class FeatureEventsDeclaration {
  constructor(@Inject(FEATURE_EVENTS) options: FeatureEventsOptions, catalog: EventCatalog) {
    catalog.declareAtBoot(options.events, options.source);
  }
}

/** The module each `WebhooksModule.forFeature` call returns; it holds no other provider. */
@Module({})
export class WebhookEventsFeatureModule {
  /**
   * The events (and their source) are part of the module's metadata, so Nest tells two
   * forFeature calls apart, and merges identical ones, which declare the same thing anyway.
   */
  static declaring(events: readonly WebhookEventDefinition[], source: string): DynamicModule {
    const options: FeatureEventsOptions = { events, source };
    return {
      module: WebhookEventsFeatureModule,
      providers: [{ provide: FEATURE_EVENTS, useValue: options }, FeatureEventsDeclaration],
    };
  }
}

/**
 * `WebhooksModule.forFeature at <file>:<line>` of the code `frames` calls above this one,
 * or just `WebhooksModule.forFeature` when the stack does not tell.
 */
export function forFeatureSource(frames: number): string {
  const frame = new Error().stack?.split('\n')[frames + 2] ?? '';
  const place = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(frame);
  const file = place ? relative(process.cwd(), place[1]) : null;
  return file ? `WebhooksModule.forFeature at ${file}:${place![2]}` : 'WebhooksModule.forFeature';
}
