/** What an event id may be: triggerEvent refuses anything else, so lookups can too. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

export const EVENT_ID_RULE = 'eventId must be 1-255 letters, digits, "_", ".", ":" or "-"';
