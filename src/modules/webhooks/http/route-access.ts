import { SetMetadata } from '@nestjs/common';

/**
 * Marks on handlers that tell the guards what a portal session may do there. Read-only
 * sessions are refused by default on every method but GET and HEAD, so a route added later
 * is closed to them until someone marks it.
 */
export const READ_ONLY_SAFE = 'webhooks:read-only-safe';
export const SECRET_ROUTE = 'webhooks:secret-route';
export const NOT_FOR_PORTAL = 'webhooks:not-for-portal';

/** A POST/PUT/PATCH/DELETE that changes nothing, so read-only sessions may call it too. */
export const ReadOnlySafe = (): MethodDecorator & ClassDecorator =>
  SetMetadata(READ_ONLY_SAFE, true);

/** A GET that reveals a secret: refused to read-only sessions. */
export const SecretRoute = (): MethodDecorator & ClassDecorator => SetMetadata(SECRET_ROUTE, true);

/** Only the tenant's own backend: refused to every portal session, read-only or not. */
export const NotForPortalSessions = (): MethodDecorator & ClassDecorator =>
  SetMetadata(NOT_FOR_PORTAL, true);
