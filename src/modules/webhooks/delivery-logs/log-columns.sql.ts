/** SQL fragments every statement on webhook_logs shares. */

/** A row's created_at as epoch ms: its partition key, as jobs and LogKeys carry it. */
export const CREATED_AT_MS = `(EXTRACT(EPOCH FROM created_at) * 1000)::float8 AS "createdAt"`;
