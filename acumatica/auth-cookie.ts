/** A single shared cookie session, for instances without a connected application. */
import type { AuthDeps, Authenticator, CookieSettings, Credentials } from './auth';
import { SingleFlight } from './auth-single-flight';
import { classifyResponse, type FailureContext, type FailureOperation } from './classify';
import { AcumaticaAuthError } from './errors';
import type { HttpResponse } from './http';

export class CookieAuthenticator implements Authenticator {
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
