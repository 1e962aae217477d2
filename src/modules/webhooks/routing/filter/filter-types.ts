/** The envelope a filter reads: the body delivered for an event (contract §5). */
export interface FilterEnvelope {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
}

/** A compiled filter: answers, without throwing, whether an event is delivered to the webhook. */
export type FilterMatcher = (envelope: FilterEnvelope) => boolean;
