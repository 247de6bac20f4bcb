/**
 * Bearer-key authentication. The admin key (config) manages accounts; an account's own keys (stored as
 * hashes) reach that account's resources only. Another account's key gets 404 for this account's resources,
 * so a key never even confirms that some other account exists.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Account } from '../store';
import type { AccountRepository } from '../store';
import { ApiError, notFound } from './errors';

/** Who may call a route: anyone, the admin only, or the admin and the account named by `:id`. */
export type AccessLevel = 'public' | 'admin' | 'account';

export type Caller = { kind: 'admin' } | { kind: 'account'; account: Account };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessLevel;
  }
  interface FastifyRequest {
    caller?: Caller;
  }
}

const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'send a valid API key as "Authorization: Bearer <key>"');

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of a presented key with the admin key. */
export function isAdminKey(presented: string, adminKey: string): boolean {
  return timingSafeEqual(digest(presented), digest(adminKey));
}

/** The bearer token of an Authorization header, or null when missing or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([^\s]{1,512})[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The onRequest hook: identifies the caller and checks the route's access level before the body is even
 * read. Routes default to `account` access, so a route without a config is never public by accident.
 */
export function authenticate(deps: { adminKey: string; accounts: Pick<AccountRepository, 'authenticate'> }) {
  return async (request: FastifyRequest): Promise<void> => {
    const access: AccessLevel = request.routeOptions.config.access ?? 'account';
    if (access === 'public') return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    if (isAdminKey(token, deps.adminKey)) {
      request.caller = { kind: 'admin' };
      return;
    }
    const account = await deps.accounts.authenticate(token);
    if (!account) throw unauthorized();
    request.caller = { kind: 'account', account };
    if (access === 'admin') throw new ApiError(403, 'forbidden', 'this endpoint needs the admin key');
    const params = request.params as { id?: unknown } | undefined;
    // An account key reaches its own account only; anything else looks like it does not exist.
    if (typeof params?.id === 'string' && params.id !== account.id) throw notFound('account');
  };
}
