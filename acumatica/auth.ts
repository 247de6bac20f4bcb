/**
 * Authentication against Acumatica: OAuth 2.0 resource-owner password grant with cached,
 * rotating refresh tokens, or a single shared cookie session for instances without a connected
 * application. Both serialize (re)authentication so concurrent requests never log in twice or
 * refresh with the same token. Credentials, tokens and cookies are never logged.
 *
 * This file holds the settings and the Authenticator contract; auth-oauth.ts and auth-cookie.ts the two
 * methods, auth-single-flight.ts the serialization they share.
 */
import type { Logger } from 'pino';
import { CookieAuthenticator } from './auth-cookie';
import { OAuthAuthenticator } from './auth-oauth';
import type { FailureContext, FailureOperation } from './classify';
import type { HttpRequest, HttpResponse } from './http';

export interface OAuthSettings {
  kind: 'oauth';
  /** Connected application id; `@<tenant>` is appended when missing. */
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** Default `api offline_access`: one session per grant, refreshable, no per-request seats. */
  scope?: string;
}

export interface CookieSettings {
  kind: 'cookie';
  username: string;
  password: string;
  branch?: string;
  locale?: string;
}

export type AuthSettings = OAuthSettings | CookieSettings;

/** Sends a request outside the authenticated pipeline (login, token, logout). */
export type RawSend = (
  request: HttpRequest,
  operation: FailureOperation,
  ctx: FailureContext,
) => Promise<HttpResponse>;

export interface AuthDeps {
  tenant: string;
  /** Site root path without trailing slash, e.g. `` or `/AcumaticaERP`. */
  basePath: string;
  send: RawSend;
  logger: Logger;
  now: () => number;
  /** Refresh this long before the access token expires (capped at half its lifetime). */
  refreshSkewMs: number;
}

/** Headers to send, tagged with the credential generation they belong to. */
export interface Credentials {
  headers: Record<string, string>;
  generation: number;
}

/** What the client needs from either auth method. */
export interface Authenticator {
  /** Current credentials; logs in or refreshes first when needed (serialized). */
  authorize(signal?: AbortSignal): Promise<Credentials>;
  /** A request made with `generation` got 401: obtain new credentials unless already done. */
  renew(generation: number, signal?: AbortSignal): Promise<void>;
  /** Keeps cookies the server sets on ordinary responses. */
  observe(headers: HttpResponse['headers']): void;
  /** Ends the server session (frees the API seat). Never throws for a missing session. */
  logout(signal?: AbortSignal): Promise<void>;
  /** Values to scrub from error messages. */
  secrets(): string[];
}

/** Creates the authenticator for the configured method. */
export function createAuthenticator(settings: AuthSettings, deps: AuthDeps): Authenticator {
  return settings.kind === 'oauth'
    ? new OAuthAuthenticator(settings, deps)
    : new CookieAuthenticator(settings, deps);
}
