/**
 * The console's API client: same origin, `Authorization: Bearer <key>` on every call. The key is held in
 * session storage (gone when the tab closes) and never put in a URL.
 */
import type { BadField, ErrorBody } from './types';

const KEY_ITEM = 'fsac.console.key';
const ACCOUNT_ITEM = 'fsac.console.account';

/** The signed-in key and the account being worked on (the admin picks one). */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  account: (): string | null => sessionStorage.getItem(ACCOUNT_ITEM),
  signIn(key: string): void {
    sessionStorage.setItem(KEY_ITEM, key);
  },
  useAccount(id: string | null): void {
    if (id) sessionStorage.setItem(ACCOUNT_ITEM, id);
    else sessionStorage.removeItem(ACCOUNT_ITEM);
  },
  signOut(): void {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(ACCOUNT_ITEM);
  },
};

/** An API answer other than 2xx, with the error contract's code, message and bad fields. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly BadField[] = [],
  ) {
    super(message);
  }

  /** The messages of bad fields whose path starts with `prefix`, keyed by the rest of the path. */
  fieldErrors(prefix = ''): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.issues) {
      if (!issue.field.startsWith(prefix)) continue;
      const field = issue.field.slice(prefix.length);
      // Shown beside its field, the message needs no field name ("executionDelayMinutes must be…").
      const named = [`${issue.field}: `, `${issue.field} `].find((p) => issue.message.startsWith(p));
      const message = named ? issue.message.slice(named.length) : issue.message;
      out[field] = out[field] ? `${out[field]}; ${message}` : message;
    }
    return out;
  }
}

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Fired when the API says the key is no longer valid, so the shell can return to sign-in. */
export const UNAUTHORIZED_EVENT = 'fsac:unauthorized';

/** Calls the API; resolves with the JSON body, rejects with {@link ApiFailure}. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: { query?: Query; body?: unknown; key?: string } = {},
): Promise<T> {
  const key = options.key ?? session.key();
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'the connector API cannot be reached; check that it is running');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = (json as ErrorBody | null)?.error;
    const details = error?.details as { issues?: BadField[] } | undefined;
    if (res.status === 401 && !options.key) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiFailure(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? `the API answered ${res.status}`,
      details?.issues ?? [],
    );
  }
  return json as T;
}

/** `/accounts/<id>` plus the rest of the path. */
export const accountPath = (accountId: string, rest = ''): string =>
  `/accounts/${encodeURIComponent(accountId)}${rest}`;

/** A run's URL path segment: its workflow id, URL-encoded (`sync%2Facc_…`). */
export const runPath = (accountId: string, runId: string, rest = ''): string =>
  accountPath(accountId, `/syncs/${encodeURIComponent(runId)}${rest}`);
