/** The largest JSON or urlencoded request body the API parses; larger ones are answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** MAX_BODY_BYTES for people: "1 MiB". */
export const MAX_BODY_LABEL = `${MAX_BODY_BYTES / (1024 * 1024)} MiB`;
