/** The API's resources as the portal reads them (contract §3, §5, §9). */

export interface Session {
  readOnly: boolean;
  expiresAt: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'exponential' | 'linear' | 'fixed';
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  url: string;
  events: string[];
  headers: Record<string, string>;
  retryPolicy: RetryPolicy;
  timeoutMs: number;
  rateLimitPerSecond: number | null;
  isActive: boolean;
  /** Contract §10: routing and body format (absent on a server without them). */
  filter?: unknown;
  ordering?: 'unordered' | 'fifo';
  format?: 'standard' | 'slack' | 'discord';
  template?: string | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  secret: string;
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  meta: { page: number; limit: number; total: number };
}

export interface CatalogEvent {
  type: string;
  category: string;
  description: string;
  samplePayload: unknown;
}

export interface Stats {
  period: string;
  totalDeliveries: number;
  successfulDeliveries: number;
  failedDeliveries: number;
  pendingDeliveries: number;
  successRate: number;
  averageResponseTimeMs: number | null;
  p95ResponseTimeMs: number | null;
  lastTriggeredAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  consecutiveFailures: number;
}

export interface Timeseries {
  period: string;
  bucketSeconds: number;
  buckets: {
    start: string;
    successful: number;
    failed: number;
    p50ResponseTimeMs: number | null;
    p95ResponseTimeMs: number | null;
  }[];
}

export type DeliveryStatus = 'pending' | 'sending' | 'success' | 'retrying' | 'failed';

export interface DeliveryLog {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  status: DeliveryStatus;
  attemptCount: number;
  responseStatus: number | null;
  responseBody: string | null;
  responseTimeMs: number | null;
  errorMessage: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface DeliveryLogDetail extends DeliveryLog {
  attempts: {
    attempt: number;
    at: string;
    statusCode: number | null;
    responseTimeMs: number | null;
    error: string | null;
  }[];
}

export interface TestResult {
  success: boolean;
  statusCode: number | null;
  responseTimeMs: number | null;
  responseBody: string | null;
  error: string | null;
  logId: string | null;
}

export interface EventSummary {
  eventId: string;
  eventType: string;
  createdAt: string;
  deliveries: number;
}

export interface EventDetail {
  eventId: string;
  eventType: string;
  createdAt: string;
  payload: unknown;
  deliveries: {
    webhookId: string;
    webhookName: string;
    logId: string;
    status: DeliveryStatus;
    attemptCount: number;
    responseStatus: number | null;
    completedAt: string | null;
  }[];
}
