/**
 * Sessions, seats and OAuth tokens. Every session (a cookie login, or one OAuth grant chain) holds one
 * "API user" seat until logout or idle expiry; refresh tokens rotate (a used one is invalid).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface User {
  name: string;
  password: string;
  tenant: string;
}

export interface OAuthClient {
  clientId: string;
  secret: string;
}

export interface Session {
  id: string;
  kind: 'cookie' | 'oauth';
  user: string;
  tenant: string;
  branch?: string;
  /** `.ASPXAUTH` value for cookie sessions. */
  authTicket?: string;
  createdAt: number;
  lastSeen: number;
}

interface AccessToken {
  sessionId: string;
  expiresAt: number;
}

export interface AuthLimits {
  maxApiUsers: number;
  sessionIdleMs: number;
  tokenLifetimeSec: number;
}

export type LoginOutcome =
  { ok: true; session: Session } | { ok: false; reason: 'credentials' | 'tenant' | 'seats' };

export type TokenOutcome =
  | {
      ok: true;
      body: {
        access_token: string;
        token_type: 'Bearer';
        expires_in: number;
        refresh_token?: string;
        scope: string;
      };
    }
  | { ok: false; status: number; body: Record<string, string> };

const token = (): string => randomBytes(24).toString('base64url');

export class AuthState {
  private readonly sessions = new Map<string, Session>();
  private readonly access = new Map<string, AccessToken>();
  /** refresh token → session id (deleted on use: rotation). */
  private readonly refresh = new Map<string, { sessionId: string; scope: string }>();

  constructor(
    private readonly users: User[],
    private readonly clients: OAuthClient[],
    private readonly limits: () => AuthLimits,
    private readonly now: () => number,
  ) {}

  /** Drops sessions idle longer than `sessionIdleMs`, freeing their seats. */
  private sweep(): void {
    const idle = this.limits().sessionIdleMs;
    if (idle <= 0) return;
    const t = this.now();
    for (const s of this.sessions.values()) if (t - s.lastSeen > idle) this.end(s.id);
  }

  private seatsFull(): boolean {
    this.sweep();
    const max = this.limits().maxApiUsers;
    return max > 0 && this.sessions.size >= max;
  }

  private findUser(name: string, password: string, tenant?: string): User | 'tenant' | undefined {
    if (tenant && !this.users.some((u) => u.tenant.toLowerCase() === tenant.toLowerCase())) return 'tenant';
    return this.users.find(
      (u) =>
        u.name.toLowerCase() === name.toLowerCase() &&
        u.password === password &&
        (!tenant || u.tenant.toLowerCase() === tenant.toLowerCase()),
    );
  }

  login(
    name: string,
    password: string,
    tenant: string | undefined,
    branch: string | undefined,
  ): LoginOutcome {
    const user = this.findUser(name, password, tenant);
    if (user === 'tenant') return { ok: false, reason: 'tenant' };
    if (!user) return { ok: false, reason: 'credentials' };
    if (this.seatsFull()) return { ok: false, reason: 'seats' };
    const t = this.now();
    const session: Session = {
      id: randomUUID(),
      kind: 'cookie',
      user: user.name,
      tenant: user.tenant,
      branch,
      authTicket: token(),
      createdAt: t,
      lastSeen: t,
    };
    this.sessions.set(session.id, session);
    return { ok: true, session };
  }

  /** Resolves the session of a request from its cookies or Bearer token; touches it (idle timer). */
  authenticate(cookies: Record<string, string | undefined>, bearer: string | undefined): Session | undefined {
    this.sweep();
    let session: Session | undefined;
    if (bearer) {
      const at = this.access.get(bearer);
      if (!at || at.expiresAt <= this.now()) return undefined;
      session = this.sessions.get(at.sessionId);
    } else {
      const sid = cookies['ASP.NET_SessionId'];
      const s = sid ? this.sessions.get(sid) : undefined;
      if (s && s.kind === 'cookie' && s.authTicket === cookies['.ASPXAUTH']) session = s;
    }
    if (session) session.lastSeen = this.now();
    return session;
  }

  /** Ends a session and invalidates its tokens. */
  end(sessionId: string): void {
    this.sessions.delete(sessionId);
    for (const [k, v] of this.access) if (v.sessionId === sessionId) this.access.delete(k);
    for (const [k, v] of this.refresh) if (v.sessionId === sessionId) this.refresh.delete(k);
  }

  /** `POST /identity/connect/token` (form fields). */
  tokenGrant(form: Record<string, string | undefined>): TokenOutcome {
    const client = this.clients.find(
      (c) => c.clientId.toLowerCase() === (form.client_id ?? '').toLowerCase(),
    );
    if (!client || client.secret !== form.client_secret)
      return { ok: false, status: 400, body: { error: 'invalid_client' } };
    const tenant = client.clientId.split('@')[1];
    if (form.grant_type === 'password') {
      const scope = (form.scope ?? 'api').split(/\s+/).filter(Boolean);
      if (!scope.includes('api')) return { ok: false, status: 400, body: { error: 'invalid_scope' } };
      const user = this.findUser(form.username ?? '', form.password ?? '', tenant);
      if (!user || user === 'tenant')
        return {
          ok: false,
          status: 400,
          body: { error: 'invalid_grant', error_description: 'invalid_username_or_password' },
        };
      if (this.seatsFull()) return { ok: false, status: 429, body: { error: 'API Login Limit' } };
      const t = this.now();
      const session: Session = {
        id: randomUUID(),
        kind: 'oauth',
        user: user.name,
        tenant: user.tenant,
        createdAt: t,
        lastSeen: t,
      };
      this.sessions.set(session.id, session);
      return this.issue(session.id, scope.join(' '));
    }
    if (form.grant_type === 'refresh_token') {
      this.sweep();
      const rt = form.refresh_token ? this.refresh.get(form.refresh_token) : undefined;
      if (!rt || !this.sessions.has(rt.sessionId))
        return { ok: false, status: 400, body: { error: 'invalid_grant' } };
      this.refresh.delete(form.refresh_token!);
      this.sessions.get(rt.sessionId)!.lastSeen = this.now();
      return this.issue(rt.sessionId, rt.scope);
    }
    return { ok: false, status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private issue(sessionId: string, scope: string): TokenOutcome {
    const life = this.limits().tokenLifetimeSec;
    const access = token();
    this.access.set(access, { sessionId, expiresAt: this.now() + life * 1000 });
    const body: Extract<TokenOutcome, { ok: true }>['body'] = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: life,
      scope,
    };
    if (scope.split(' ').includes('offline_access')) {
      const rt = token();
      this.refresh.set(rt, { sessionId, scope });
      body.refresh_token = rt;
    }
    return { ok: true, body };
  }

  /** Expires every access token now (refresh tokens stay valid). */
  expireTokens(): number {
    const t = this.now();
    for (const at of this.access.values()) at.expiresAt = t;
    return this.access.size;
  }

  /** Drops every session (frees all seats). */
  clearSessions(): void {
    for (const id of [...this.sessions.keys()]) this.end(id);
  }

  list(): Omit<Session, 'authTicket'>[] {
    this.sweep();
    return [...this.sessions.values()].map(({ authTicket: _t, ...s }) => s);
  }
}
