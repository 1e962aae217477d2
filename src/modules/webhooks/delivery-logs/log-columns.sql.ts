/** SQL fragments every statement on webhook_logs shares. */

/** A row's created_at as epoch ms: its partition key, as jobs and LogKeys carry it. */
export const CREATED_AT_MS = `(EXTRACT(EPOCH FROM created_at) * 1000)::float8 AS "createdAt"`;

/** How a log (alias `log`) finds its event (alias `event`): same tenant, id and now(). */
export function eventJoin(log: string, event: string): string {
  return `${event}.tenant_id = ${log}.tenant_id AND ${event}.event_id = ${log}.event_id AND ${event}.created_at = ${log}.created_at`;
}
