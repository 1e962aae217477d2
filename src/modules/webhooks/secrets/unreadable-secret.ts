/**
 * Stands in for a secret that does not decrypt where the API shows secrets masked (the list,
 * GET /:id, PATCH): its mask reads "whsec_…????", which no real secret's mask can (`?` is not
 * base64). The whole secret is never shown for it: GET /:id/secret answers 409.
 */
export const UNREADABLE_SECRET = 'whsec_…????';

/** The final error of a delivery whose signing secret does not decrypt: it was not sent. */
export const UNREADABLE_SECRET_NOT_SENT =
  "Not sent: the webhook's signing secret cannot be decrypted; rotate it with gracePeriodHours 0";
