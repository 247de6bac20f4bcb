/**
 * Hash routes (`#/records/customers/cus_…`): the page is one file served at `/`, so a route is never a
 * server path, and a URL never carries the key.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { screen: 'overview' }
  | { screen: 'records'; type: string | null }
  | { screen: 'record'; type: string; id: string }
  | { screen: 'problems' }
  | { screen: 'runs' }
  | { screen: 'run'; runId: string }
  | { screen: 'settings' }
  | { screen: 'reminders' }
  | { screen: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  switch (first) {
    case undefined:
    case 'overview':
      return { screen: 'overview' };
    case 'records':
      return second && third
        ? { screen: 'record', type: second, id: third }
        : { screen: 'records', type: second ?? null };
    case 'runs':
      return second ? { screen: 'run', runId: second } : { screen: 'runs' };
    case 'problems':
    case 'settings':
    case 'reminders':
      return { screen: first };
    default:
      return { screen: 'not-found', path: parts.join('/') };
  }
}

/** The link to a route; every part is encoded (a run id holds slashes). */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(...parts: string[]): void {
  location.hash = href(...parts);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
