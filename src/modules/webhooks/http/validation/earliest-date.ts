/**
 * The earliest date a query or body may name. JavaScript dates reach back to year -271821,
 * Postgres timestamptz only to 4713 BC, so an unbounded date fails the query (500); nothing
 * here predates the Unix epoch, so that is the bound.
 */
export const EARLIEST_DATE = new Date('1970-01-01T00:00:00Z');
