/** OAuth 2.0 resource-owner password grant with cached, rotating refresh tokens. */
import type { AuthDeps, Authenticator, Credentials, OAuthSettings } from './auth';
import { SingleFlight } from './auth-single-flight';
import { classifyResponse, malformedResponse, type FailureContext, type FailureOperation } from './classify';
import { AcumaticaAuthError } from './errors';

interface Token {
  access: string;
  refresh: string | undefined;
  refreshAt: number;
}

export class OAuthAuthenticator implements Authenticator {
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
