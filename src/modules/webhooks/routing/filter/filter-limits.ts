/**
 * Bounds of a webhook's payload filter (contract §10). A filter runs against every event the
 * webhook subscribes to, so its size, its nesting and its regular expressions are bounded
 * where it is saved rather than discovered while events are delivered.
 */
/** Field tests in the whole filter: each operator, and each literal, counts as one. */
export const MAX_FILTER_CONDITIONS = 50;
/** Levels of filter objects: the filter itself is level 1, each $and/$or/$not adds one. */
export const MAX_FILTER_DEPTH = 5;
export const MAX_FILTER_REGEX_LENGTH = 200;
/** Values of one $in or $nin. */
export const MAX_FILTER_LIST_ITEMS = 100;
export const MAX_FILTER_PATH_LENGTH = 255;
/** Problems listed for one filter; a request with thousands of bad keys gets a readable answer. */
export const MAX_FILTER_PROBLEMS = 20;
/** The fields of the delivered envelope: every path starts at one of them. */
export const FILTER_ENVELOPE_FIELDS: readonly string[] = ['id', 'type', 'timestamp', 'data'];
