import { useEffect, useState } from 'preact/hooks';

/** The portal's screens, from the URL fragment (`#/endpoints/<id>` …). */
export type Route =
  | { screen: 'endpoints' }
  | { screen: 'new-endpoint' }
  | { screen: 'edit-endpoint'; id: string }
  | { screen: 'endpoint'; id: string }
  | { screen: 'delivery'; id: string; logId: string }
  | { screen: 'events'; eventId?: string }
  | { screen: 'not-found' };

/** A route's parts, decoded; null for a malformed escape or a "." / ".." part (a link anyone can make). */
function partsOf(hash: string): string[] | null {
  try {
    const parts = hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
    return parts.some((part) => part === '.' || part === '..') ? null : parts;
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const parts = partsOf(hash);
  if (parts === null) return { screen: 'not-found' };
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { screen: 'endpoints' };
  if (first === 'events' && parts.length <= 2) return { screen: 'events', eventId: second };
  if (first !== 'endpoints' || !second) return { screen: 'not-found' };
  if (second === 'new' && parts.length === 2) return { screen: 'new-endpoint' };
  if (parts.length === 2) return { screen: 'endpoint', id: second };
  if (third === 'edit' && parts.length === 3) return { screen: 'edit-endpoint', id: second };
  if (third === 'logs' && fourth && parts.length === 4) {
    return { screen: 'delivery', id: second, logId: fourth };
  }
  return { screen: 'not-found' };
}

/** The hash of a route's parts, each encoded. */
export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function navigate(hash: string): void {
  location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
