import { Injectable, Logger } from '@nestjs/common';
import { OperationalEvent, OperationalEventListener } from './operational-event';

/**
 * The host's in-process listeners for operational events, called in the process that recorded
 * the outcome once it has committed. A listener runs detached from the delivery: one that is
 * slow does not hold a worker, and one that throws (or rejects) is logged and changes nothing.
 */
@Injectable()
export class OperationalListeners {
  private readonly logger = new Logger(OperationalListeners.name);
  private readonly listeners = new Set<OperationalEventListener>();

  /** Adds `listener`; the returned function removes it. */
  add(listener: OperationalEventListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError('onOperationalEvent needs a function');
    }
    // A wrapper per call: adding one function twice gets two calls and two removals.
    const entry: OperationalEventListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Calls every listener with each event; resolves once all have settled (for tests). */
  notify(events: readonly OperationalEvent[]): Promise<void> {
    const calls: Promise<void>[] = [];
    for (const event of events) {
      for (const listener of this.listeners) calls.push(this.call(listener, event));
    }
    return Promise.all(calls).then(() => undefined);
  }

  private async call(listener: OperationalEventListener, event: OperationalEvent): Promise<void> {
    try {
      // Each listener gets its own copy: one cannot change what the next one sees.
      await listener(structuredClone(event));
    } catch (error) {
      this.logger.error(
        `An operational event listener failed on ${event.type} ${event.eventId}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        error instanceof Error ? error.stack : undefined,
      );
    }
  }
}
