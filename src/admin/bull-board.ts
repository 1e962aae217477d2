import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Queue } from 'bullmq';
import { NextFunction, Request, Response } from 'express';
import { ADMIN_ROLE, AuthContext } from '../common/auth/auth-context';
import { JwtAuthGuard } from '../common/auth/jwt-auth.guard';
import { WEBHOOK_DELIVERY_QUEUES } from '../modules/webhooks';

export const BULL_BOARD_PATH = '/admin/queues';
export const ADMIN_LOGIN_PATH = '/admin/login';
/** Holds the admin JWT itself; sent only to /admin/*, never usable on /api (header only there). */
export const ADMIN_COOKIE = 'webhooks_admin';
const COOKIE_PATH = '/admin';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bull Board for the delivery queue at /admin/queues, for admins only: a request carries
 * `Authorization: Bearer <admin JWT>` or the HttpOnly cookie set by the /admin/login page.
 * Mounted by setupApp, so only in processes that serve the HTTP API.
 */
export function mountBullBoard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter().setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    // Every delivery shard (QUEUE_SHARDS), each under its own queue name.
    queues: app.get<Queue[]>(WEBHOOK_DELIVERY_QUEUES).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Webhooks' } },
  });
  const auth = app.get(JwtAuthGuard);
  const jwt = app.get(JwtService);

  app.use(ADMIN_LOGIN_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/') return next();
    if (req.method === 'GET' || req.method === 'HEAD') return sendPage(res, 200, loginPage());
    if (req.method === 'POST') return void login(req, res).catch(next);
    next();
  });

  app.use(BULL_BOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    void guard(req, res, next).catch(next);
  });
  app.use(BULL_BOARD_PATH, serverAdapter.getRouter());

  async function login(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    const token =
      typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string'
        ? body.token.trim()
        : '';
    const caller = token ? await auth.verify(token).catch(() => null) : null;
    if (!caller) return sendPage(res, 401, loginPage('That token is not valid or has expired.'));
    if (!caller.roles.includes(ADMIN_ROLE)) {
      return sendPage(res, 403, loginPage('That token does not have the admin role.'));
    }
    const { exp } = jwt.decode<{ exp?: number }>(token);
    const maxAge = typeof exp === 'number' ? exp - Math.floor(Date.now() / 1000) : null;
    res.setHeader('Set-Cookie', cookie(req, token, maxAge));
    res.redirect(303, BULL_BOARD_PATH);
  }

  async function guard(req: Request, res: Response, next: NextFunction): Promise<void> {
    res.setHeader('X-Frame-Options', 'DENY');
    const header = req.headers.authorization;
    const fromCookie = header === undefined ? readCookie(req.headers.cookie, ADMIN_COOKIE) : null;
    let caller: AuthContext | null = null;
    if (header !== undefined) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() === 'bearer' && token) {
        caller = await auth.verify(token).catch(() => null);
      }
    } else if (fromCookie) {
      caller = await auth.verify(fromCookie).catch(() => null);
      if (!caller) res.setHeader('Set-Cookie', cookie(req, '', 0));
    }

    const wantsPage =
      SAFE_METHODS.has(req.method) && /\btext\/html\b/.test(req.headers.accept ?? '');
    if (!caller) {
      if (wantsPage) return res.redirect(303, ADMIN_LOGIN_PATH);
      return sendError(res, 401, 'Missing, invalid or expired admin token');
    }
    if (!caller.roles.includes(ADMIN_ROLE)) {
      if (wantsPage)
        return sendPage(res, 403, loginPage('That token does not have the admin role.'));
      return sendError(res, 403, 'This page needs the admin role');
    }
    // SameSite=Strict keeps the cookie off cross-site requests; this also refuses a same-site
    // page on another origin (another port or subdomain) changing the queue with it.
    if (fromCookie && !SAFE_METHODS.has(req.method) && !sameOrigin(req)) {
      return sendError(res, 403, 'Cross-origin request refused');
    }
    next();
  }
}

function cookie(req: Request, value: string, maxAgeSeconds: number | null): string {
  const parts = [`${ADMIN_COOKIE}=${value}`, `Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (maxAgeSeconds !== null) parts.push(`Max-Age=${Math.max(0, maxAgeSeconds)}`);
  if (req.secure || req.headers['x-forwarded-proto'] === 'https') parts.push('Secure');
  return parts.join('; ');
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function sendError(res: Response, statusCode: 401 | 403, message: string): void {
  const error = statusCode === 401 ? 'Unauthorized' : 'Forbidden';
  res.status(statusCode).json({ statusCode, error, message });
}

function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    })
    .send(html);
}

/** `error` is always one of our own fixed sentences, never user input. */
function loginPage(error?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhooks admin: sign in</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; }
  textarea { width: 100%; font-family: monospace; }
  .error { color: #b00020; }
</style>
</head>
<body>
<h1>Webhooks queue admin</h1>
${error ? `<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${ADMIN_LOGIN_PATH}">
  <p><label for="token">Admin token (a JWT with the <code>admin</code> role)</label></p>
  <p><textarea id="token" name="token" rows="6" required autocomplete="off" spellcheck="false"></textarea></p>
  <p><button type="submit">Sign in</button></p>
</form>
<p>Create one with <code>npm run -s token -- --tenant &lt;uuid&gt; --admin</code>.</p>
</body>
</html>
`;
}
