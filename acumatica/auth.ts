/**
 * Authentication against Acumatica: OAuth 2.0 resource-owner password grant with cached,
 * rotating refresh tokens, or a single shared cookie session for instances without a connected
 * application. Both serialize (re)authentication so concurrent requests never log in twice or
 * refresh with the same token. Credentials, tokens and cookies are never logged.
 */
import type { Logger } from 'pino';
import { classifyResponse, malformedResponse, type FailureContext, type FailureOperation } from './classify';
import { AcumaticaAuthError } from './errors';
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

/** Lets each caller stop waiting on a shared login without cancelling it for the others. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Runs at most one (re)authentication at a time; later callers join the running one. */
class SingleFlight {
  private running: Promise<void> | undefined;

  run(task: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (this.running === undefined) {
      const flight = task().finally(() => {
        if (this.running === flight) this.running = undefined;
      });
      // A caller that stops waiting must not turn the shared failure into an unhandled rejection.
      flight.catch(() => undefined);
      this.running = flight;
    }
    return untilAborted(this.running, signal);
  }

  /**
   * The authorize loop of both methods: waits out a running (re)authentication, starts the one `next`
   * asks for, and returns credentials only when `next` has nothing left to do. It re-checks after every
   * wait because another caller's flight may have failed or left the credentials stale.
   */
  async authorize(
    next: () => Credentials | (() => Promise<void>),
    signal: AbortSignal | undefined,
  ): Promise<Credentials> {
    for (;;) {
      const running = this.running;
      if (running !== undefined) {
        await untilAborted(running, signal);
        continue;
      }
      const step = next();
      if (typeof step !== 'function') return step;
      await this.run(step, signal);
    }
  }

  /**
   * After a 401: joins a running (re)authentication, else runs `task` unless the credentials already
   * changed since the refused request (`stale` is false).
   */
  async renew(stale: boolean, task: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    const running = this.running;
    if (running !== undefined) return untilAborted(running, signal);
    if (!stale) return;
    await this.run(task, signal);
  }
}

interface Token {
  access: string;
  refresh: string | undefined;
  refreshAt: number;
}

class OAuthAuthenticator implements Authenticator {
  private token: Token | undefined;
  private generation = 0;
  private readonly flight = new SingleFlight();
  private readonly clientId: string;

  constructor(
    private readonly settings: OAuthSettings,
    private readonly deps: AuthDeps,
  ) {
    this.clientId = settings.clientId.includes('@')
      ? settings.clientId
      : `${settings.clientId}@${deps.tenant}`;
  }

  authorize(signal?: AbortSignal): Promise<Credentials> {
    return this.flight.authorize(() => {
      const token = this.token;
      if (token === undefined) return () => this.passwordGrant();
      if (this.deps.now() >= token.refreshAt) return () => this.refreshOrLogin();
      return { headers: { authorization: `Bearer ${token.access}` }, generation: this.generation };
    }, signal);
  }

  renew(generation: number, signal?: AbortSignal): Promise<void> {
    return this.flight.renew(generation === this.generation, () => this.refreshOrLogin(), signal);
  }

  observe(): void {
    // Bearer auth keeps no cookies: with `api offline_access` the server tracks the grant itself.
  }

  async logout(signal?: AbortSignal): Promise<void> {
    const token = this.token;
    if (token === undefined) return;
    this.token = undefined;
    await this.deps.send(
      {
        method: 'POST',
        path: `${this.deps.basePath}/entity/auth/logout`,
        headers: { authorization: `Bearer ${token.access}`, 'content-length': '0' },
        body: '',
        ...(signal === undefined ? {} : { signal }),
      },
      'logout',
      this.context('logout'),
    );
  }

  secrets(): string[] {
    const out = [this.settings.password, this.settings.clientSecret];
    if (this.token !== undefined) {
      out.push(this.token.access);
      if (this.token.refresh !== undefined) out.push(this.token.refresh);
    }
    return out;
  }

  private async refreshOrLogin(): Promise<void> {
    const refresh = this.token?.refresh;
    if (refresh !== undefined) {
      try {
        await this.grant({ grant_type: 'refresh_token', refresh_token: refresh });
        this.deps.logger.debug({ generation: this.generation }, 'acumatica token refreshed');
        return;
      } catch (err) {
        // An expired or already-rotated refresh token: start a new grant with the password.
        if (!(err instanceof AcumaticaAuthError)) throw err;
        this.deps.logger.info('acumatica refresh token refused, signing in again');
      }
    }
    await this.passwordGrant();
  }

  private async passwordGrant(): Promise<void> {
    this.token = undefined;
    await this.grant({
      grant_type: 'password',
      username: this.settings.username,
      password: this.settings.password,
      scope: this.settings.scope ?? 'api offline_access',
    });
    this.deps.logger.info({ generation: this.generation }, 'acumatica oauth sign-in');
  }

  private async grant(params: Record<string, string>): Promise<void> {
    const body = new URLSearchParams({
      ...params,
      client_id: this.clientId,
      client_secret: this.settings.clientSecret,
    }).toString();
    const ctx = this.context('token');
    const res = await this.deps.send(
      {
        method: 'POST',
        path: `${this.deps.basePath}/identity/connect/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
      },
      'token',
      ctx,
    );
    if (res.status !== 200) throw classifyResponse(res, ctx);
    let parsed: { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(res.body) as typeof parsed;
    } catch (err) {
      throw malformedResponse(res.status, res.body, ctx, err);
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw malformedResponse(res.status, res.body, ctx, new Error('token response has no access_token'));
    }
    const lifetimeMs =
      (typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 3600) * 1000;
    const skew = Math.min(this.deps.refreshSkewMs, lifetimeMs / 2);
    this.token = {
      access: parsed.access_token,
      // Rotation: the new refresh token replaces the old one; keep the old one only if none came.
      refresh: typeof parsed.refresh_token === 'string' ? parsed.refresh_token : this.token?.refresh,
      refreshAt: this.deps.now() + lifetimeMs - skew,
    };
    this.generation++;
  }

  private context(operation: FailureOperation): FailureContext {
    const path = operation === 'token' ? '/identity/connect/token' : '/entity/auth/logout';
    return { method: 'POST', path, operation, secrets: this.secrets(), now: this.deps.now };
  }
}

class CookieAuthenticator implements Authenticator {
  private readonly jar = new Map<string, string>();
  private signedIn = false;
  private generation = 0;
  private readonly flight = new SingleFlight();

  constructor(
    private readonly settings: CookieSettings,
    private readonly deps: AuthDeps,
  ) {}

  authorize(signal?: AbortSignal): Promise<Credentials> {
    return this.flight.authorize(
      () =>
        this.signedIn
          ? { headers: { cookie: this.cookieHeader() }, generation: this.generation }
          : () => this.login(),
      signal,
    );
  }

  renew(generation: number, signal?: AbortSignal): Promise<void> {
    return this.flight.renew(
      generation === this.generation,
      () => {
        this.signedIn = false;
        this.jar.clear();
        return this.login();
      },
      signal,
    );
  }

  observe(headers: HttpResponse['headers']): void {
    if (this.signedIn) applySetCookie(this.jar, headers['set-cookie'], this.deps.now());
  }

  async logout(signal?: AbortSignal): Promise<void> {
    if (!this.signedIn) return;
    const cookie = this.cookieHeader();
    this.signedIn = false;
    this.jar.clear();
    await this.deps.send(
      {
        method: 'POST',
        path: `${this.deps.basePath}/entity/auth/logout`,
        // IIS answers 411 to a body-less POST without Content-Length.
        headers: { cookie, 'content-length': '0' },
        body: '',
        ...(signal === undefined ? {} : { signal }),
      },
      'logout',
      this.context('logout'),
    );
  }

  secrets(): string[] {
    return [this.settings.password, ...this.jar.values()];
  }

  private async login(): Promise<void> {
    const ctx = this.context('login');
    const res = await this.deps.send(
      {
        method: 'POST',
        path: `${this.deps.basePath}/entity/auth/login`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          name: this.settings.username,
          password: this.settings.password,
          tenant: this.deps.tenant,
          ...(this.settings.branch === undefined ? {} : { branch: this.settings.branch }),
          ...(this.settings.locale === undefined ? {} : { locale: this.settings.locale }),
        }),
      },
      'login',
      ctx,
    );
    if (res.status !== 204 && res.status !== 200) throw classifyResponse(res, ctx);
    this.jar.clear();
    applySetCookie(this.jar, res.headers['set-cookie'], this.deps.now());
    if (this.jar.size === 0) {
      throw new AcumaticaAuthError('Acumatica POST /entity/auth/login succeeded but set no session cookie', {
        status: res.status,
      });
    }
    this.signedIn = true;
    this.generation++;
    this.deps.logger.info({ generation: this.generation }, 'acumatica cookie sign-in');
  }

  private cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private context(operation: FailureOperation): FailureContext {
    const path = operation === 'login' ? '/entity/auth/login' : '/entity/auth/logout';
    return { method: 'POST', path, operation, secrets: this.secrets(), now: this.deps.now };
  }
}

/**
 * Applies `Set-Cookie` headers to a jar: stores `name=value`, removes cookies the server clears
 * (empty value, `Max-Age<=0`, or an `Expires` in the past). Attributes other than expiry are not
 * needed: the jar only ever talks to the one instance it logged in to.
 */
export function applySetCookie(
  jar: Map<string, string>,
  header: string | string[] | undefined,
  now: number,
): void {
  if (header === undefined) return;
  for (const line of Array.isArray(header) ? header : [header]) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let expired = value === '';
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const attrValue = rest.join('=').trim();
      if (key === 'max-age' && Number(attrValue) <= 0) expired = true;
      if (key === 'expires') {
        const at = Date.parse(attrValue);
        if (!Number.isNaN(at) && at <= now) expired = true;
      }
    }
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}
