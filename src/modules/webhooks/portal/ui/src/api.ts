/**
 * The portal's calls to the tenant API (contract §3, §9), with the session token as bearer.
 * The API prefix comes from the page's meta tag, filled in by the server at boot.
 */
import type { Session } from './types';

const TOKEN_KEY = 'webhooks-portal-token';

function apiBase(): string {
  const meta = document.querySelector('meta[name="webhooks-api"]');
  return (meta?.getAttribute('content') ?? '/api/v1').replace(/\/+$/, '');
}

const base = apiBase();
let token: string | null = null;
let onUnauthorized: () => void = () => undefined;

/** An error answer of the API: its status and its message(s), as the server wrote them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; ') || `Request failed with status ${status}`);
  }
}

/**
 * Takes the token from `#token=…` into sessionStorage (so a reload keeps the session) and
 * replaces the address with `#/`, so the token is not left in the address bar or history.
 */
export function takeToken(): string | null {
  const fragment = location.hash.replace(/^#/, '');
  const fromUrl = new URLSearchParams(fragment).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  token = sessionStorage.getItem(TOKEN_KEY);
  return token;
}

/** Called once on the first 401: the session has expired or was never valid. */
export function whenUnauthorized(callback: () => void): void {
  onUnauthorized = callback;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${base}/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, [
      'The server could not be reached. Check your connection and try again.',
    ]);
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    onUnauthorized();
  }
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, errorMessages(data, response.status));
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = (path: string) => api<void>('DELETE', path);

export const getSession = () => get<Session>('webhooks/portal/session');

/** A query string of the given values, empty ones left out. */
export function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const id = (value: string) => encodeURIComponent(value);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessages(data: unknown, status: number): string[] {
  if (data && typeof data === 'object' && 'message' in data) {
    const message = (data as { message: unknown }).message;
    if (Array.isArray(message)) return message.map(String);
    if (typeof message === 'string') return [message];
  }
  return [`Request failed with status ${status}`];
}
