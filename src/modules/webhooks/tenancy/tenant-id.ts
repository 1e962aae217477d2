/** Longest tenant id, in characters: the width of the tenant_id columns. */
export const MAX_TENANT_ID_LENGTH = 255;

/** What a tenant id must be, worded for the errors that refuse one. */
export const TENANT_ID_RULE = `tenantId must be a string of 1-${MAX_TENANT_ID_LENGTH} characters without control characters`;

// Control characters (NUL included, which Postgres text cannot hold) and lone surrogates,
// which the UTF-8 encoder would replace with U+FFFD and so merge distinct ids.
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant id as the module stores and compares it, or null when the value is not one.
 * Hosts name tenants their own way, so any other id is kept exactly: 'Org_1' and 'org_1'
 * are two tenants. A UUID is case-insensitive by definition, so it is lower-cased.
 */
export function normalizeTenantId(value: unknown): string | null {
  if (typeof value !== 'string' || FORBIDDEN.test(value)) return null;
  const length = [...value].length;
  if (length < 1 || length > MAX_TENANT_ID_LENGTH) return null;
  return UUID.test(value) ? value.toLowerCase() : value;
}
