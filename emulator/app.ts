/**
 * The emulator's Fastify application: Acumatica's routes (auth, OAuth, entity endpoints) behind licence
 * throttling and fault injection, plus the `/_emulator` admin API. Never listens; see `index.ts`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthState, type OAuthClient, type User } from './auth';
import { behaviourOf, BEHAVIOURS } from './entities';
import { EntityEngine, type EngineResult, type QueryOptions } from './engine';
import { httpError, UNAUTHORIZED } from './errors';
import { parseRequestJson } from './json';
import { FaultInjector, type FaultConfig } from './faults';
import {
  PushNotifier,
  type PushDestination,
  type PushFaults,
  type PushPayload,
  type PushStats,
} from './push-notifications';
import { DEFAULT_VERSIONS } from './schema';
import { seedStore, type SeedOption } from './seed';
import { RecordStore, type StoredRecord } from './store';
import { LicenceThrottle, RequestDeclined } from './throttle';
import { toPlain } from './values';
import { typeInVersion } from './schema';

export interface LicenceLimits {
  maxApiUsers: number;
  maxConcurrentRequests: number;
  maxRequestsPerMinute: number;
  maxQueue: number;
  maxWaitMs: number;
  sessionIdleMs: number;
  tokenLifetimeSec: number;
}

export const DEFAULT_LIMITS: LicenceLimits = {
  maxApiUsers: 0,
  maxConcurrentRequests: 0,
  maxRequestsPerMinute: 0,
  maxQueue: 20,
  maxWaitMs: 600_000,
  sessionIdleMs: 600_000,
  tokenLifetimeSec: 3600,
};

export interface EmulatorOptions {
  versions?: string[];
  seed?: SeedOption;
  users?: User[];
  oauthClients?: OAuthClient[];
  limits?: Partial<LicenceLimits>;
  persistFile?: string;
  logger?: boolean | object;
  now?: () => Date;
  /** UTC offset date-times are rendered in (default `+00:00`). */
  utcOffset?: string;
  /** How long long-running actions (ReleaseInvoice…) answer 202 before 204 (default 300 ms). */
  actionDurationMs?: number;
}

/** In-process equivalents of the admin HTTP API. */
export interface EmulatorAdmin {
  seed(option: SeedOption): Record<string, number>;
  reset(): void;
  records(entity: string): StoredRecord[];
  getRecord(entity: string, id: string): StoredRecord | undefined;
  /** Edits a record as an ERP user would (plain values, linked objects nested); bumps its modified time. */
  editRecord(entity: string, id: string, values: Record<string, unknown>): StoredRecord;
  counters(): Record<string, number>;
  resetCounters(): void;
  setFaults(faults: FaultConfig): void;
  setLimits(limits: Partial<LicenceLimits>): LicenceLimits;
  expireTokens(): number;
  sessions(): ReturnType<AuthState['list']>;
  clearSessions(): void;
  /** Push notifications (SM302000) with webhook destinations. */
  pushNotifications: {
    register(dest: PushDestination): void;
    list(): ReturnType<PushNotifier['list']>;
    clear(): void;
    setFaults(faults: PushFaults): void;
    stats(): PushStats;
    /** Notifications that failed all 5 attempts. */
    failed(): PushPayload[];
    resetStats(): void;
    /** Resolves when every delivery started so far has finished. */
    idle(): Promise<void>;
  };
}

export const DEFAULT_USERS: User[] = [{ name: 'admin', password: 'admin', tenant: 'Company' }];
export const DEFAULT_OAUTH_CLIENT: OAuthClient = {
  clientId: '3F2504E0-4F89-11D3-9A0C-0305E82C3301@Company',
  secret: 'emulator-secret',
};

/** An account's Acumatica connection to the emulator at `url`: its default user over its OAuth client. */
export function emulatorConnection(url: string) {
  const [user] = DEFAULT_USERS as [User];
  return {
    url,
    tenant: user.tenant,
    authMode: 'oauth' as const,
    clientId: DEFAULT_OAUTH_CLIENT.clientId,
    clientSecret: DEFAULT_OAUTH_CLIENT.secret,
    restUsername: user.name,
    restPassword: user.password,
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    emulatorAdmin: EmulatorAdmin;
  }
}

const BUILD = { acumaticaBuildVersion: '24.212.0034', databaseVersion: '24.212.0034' };

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h && /^bearer /i.test(h) ? h.slice(7).trim() : undefined;
}

/** Builds the emulator app (does not listen). */
export async function buildEmulator(opts: EmulatorOptions = {}): Promise<FastifyInstance> {
  const now = opts.now ?? (() => new Date());
  const versions = opts.versions ?? DEFAULT_VERSIONS;
  let limits: LicenceLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const store = new RecordStore(opts.persistFile);
  const engine = new EntityEngine({
    store,
    now,
    utcOffset: opts.utcOffset ?? '+00:00',
    actionDurationMs: opts.actionDurationMs ?? 300,
  });
  const auth = new AuthState(
    opts.users ?? DEFAULT_USERS,
    opts.oauthClients ?? [DEFAULT_OAUTH_CLIENT],
    () => limits,
    () => now().getTime(),
  );
  const throttle = new LicenceThrottle(() => limits, { now: () => now().getTime() });
  const faults = new FaultInjector();
  const counters = new Map<string, number>();
  const count = (key: string): void => {
    counters.set(key, (counters.get(key) ?? 0) + 1);
    const method = key.split(' ')[0]!;
    counters.set(method, (counters.get(method) ?? 0) + 1);
    counters.set('total', (counters.get('total') ?? 0) + 1);
  };

  if (opts.seed && opts.seed !== 'none' && store.all('Customer').length === 0)
    seedStore(store, opts.seed, now());
  const notifier = new PushNotifier({
    now,
    companyId: (opts.users ?? DEFAULT_USERS)[0]?.tenant ?? 'Company',
    defaultColumns: (entity) => {
      const b = behaviourOf(entity);
      return b ? [...b.keys, ...b.modifiedFields] : undefined;
    },
    records: (entity) => store.all(entity),
  });
  store.onWrite = (entity, id, after) => notifier.changed(entity, id, after);

  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });

  const parseJson = (
    _req: FastifyRequest,
    body: string,
    done: (err: Error | null, body?: unknown) => void,
  ): void => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, parseRequestJson(body));
    } catch {
      const err = new Error('The request body is not valid JSON.') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err);
    }
  };
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // ------------------------------------------------------------ licence throttling
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/entity') || path === '/entity/auth/logout') return;
    try {
      const release = await throttle.acquire();
      reply.raw.once('close', release);
    } catch (err) {
      if (!(err instanceof RequestDeclined)) throw err;
      count(`${req.method} declined`);
      counters.set('declined', throttle.stats.declined);
      return reply.code(429).send(httpError(err.message, 'PX.Api.ContractBased.ApiRequestDeclinedException'));
    }
  });

  // ------------------------------------------------------------ auth
  app.get('/entity', async () => ({
    version: BUILD,
    endpoints: versions.map((v) => ({ name: 'Default', version: v, href: `/entity/Default/${v}/` })),
  }));

  app.post('/entity/auth/login', async (req, reply) => {
    count('POST auth/login');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const out = auth.login(
      str(b.name) ?? '',
      str(b.password) ?? '',
      str(b.tenant) ?? str(b.company),
      str(b.branch),
    );
    if (!out.ok) {
      if (out.reason === 'seats')
        return reply.code(429).send(httpError('API Login Limit', 'PX.Data.PXException'));
      if (out.reason === 'tenant')
        return reply
          .code(500)
          .send(
            httpError(
              'A proper company ID cannot be determined for the request.',
              'PX.Data.PXUndefinedCompanyException',
            ),
          );
      return reply
        .code(500)
        .send(httpError('Error: Invalid credentials. Please try again.', 'PX.Data.PXException'));
    }
    const s = out.session;
    reply.header('set-cookie', [
      `ASP.NET_SessionId=${s.id}; path=/; HttpOnly; SameSite=Lax`,
      `.ASPXAUTH=${s.authTicket!}; path=/; HttpOnly`,
      `UserBranch=${encodeURIComponent(s.branch ?? '1')}; path=/`,
    ]);
    return reply.code(204).send();
  });

  app.post('/entity/auth/logout', async (req, reply) => {
    count('POST auth/logout');
    const s = auth.authenticate(parseCookies(req.headers.cookie), bearerOf(req));
    if (s) auth.end(s.id);
    reply.header('set-cookie', [
      'ASP.NET_SessionId=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT',
      '.ASPXAUTH=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    return reply.code(204).send();
  });

  app.post('/identity/connect/token', async (req, reply) => {
    count('POST identity/token');
    const out = auth.tokenGrant((req.body ?? {}) as Record<string, string | undefined>);
    if (!out.ok) return reply.code(out.status).send(out.body);
    return reply.header('cache-control', 'no-store').send(out.body);
  });

  app.get('/identity/.well-known/openid-configuration', async (req) => {
    const base = `${req.protocol}://${req.host}/identity`;
    return {
      issuer: base,
      token_endpoint: `${base}/connect/token`,
      authorization_endpoint: `${base}/connect/authorize`,
      grant_types_supported: ['password', 'refresh_token', 'authorization_code'],
      scopes_supported: ['api', 'offline_access', 'api:concurrent_access', 'openid'],
    };
  });

  // ------------------------------------------------------------ entity endpoints
  const send = (reply: FastifyReply, r: EngineResult, malformed: boolean): FastifyReply => {
    reply.code(r.status);
    for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
    if (r.body === undefined) return reply.send();
    const text = JSON.stringify(r.body);
    reply.type('application/json; charset=utf-8');
    return reply.send(malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text);
  };

  app.all('/entity/:endpoint/:version/*', async (req, reply) => {
    const { endpoint, version } = req.params as { endpoint: string; version: string };
    const segments = ((req.params as Record<string, string>)['*'] ?? '').split('/').filter((s) => s !== '');
    const entity = segments[0] ?? '';
    const rest = segments.slice(1);
    const method = req.method.toUpperCase();
    const routeKey =
      rest.length >= 1 && method === 'POST'
        ? `${entity}/${rest[0]}`
        : rest[1] === 'status'
          ? `${entity}/${rest[0]}/status`
          : entity;
    count(`${method} ${routeKey}`);

    if (!auth.authenticate(parseCookies(req.headers.cookie), bearerOf(req)))
      return reply.code(401).send(UNAUTHORIZED);
    if (endpoint !== 'Default' || !versions.includes(version))
      return reply.code(404).send({ message: `Endpoint [${endpoint}/${version}] not found` });
    const b = behaviourOf(entity);
    if (!b)
      return reply
        .code(404)
        .send({ message: `No HTTP resource was found that matches the request URI '${req.url}'.` });

    if (faults.applies(entity, method)) {
      const delay = faults.latencyMs();
      // Unref'd: a pending injected delay must not keep a closing process alive.
      if (delay > 0) await new Promise((r) => setTimeout(r, delay).unref());
      const tooMany = faults.tooMany();
      if (tooMany) {
        if (tooMany.retryAfterSec !== undefined) reply.header('retry-after', String(tooMany.retryAfterSec));
        return reply
          .code(429)
          .send(
            httpError(
              'The request was declined: the API request queue is full.',
              'PX.Api.ContractBased.ApiRequestDeclinedException',
            ),
          );
      }
      const status = faults.serverError();
      if (status !== undefined)
        return reply
          .code(status)
          .send(httpError('An unexpected error occurred on the server.', 'System.Exception'));
      if (method !== 'GET' && faults.conflict())
        return reply
          .code(500)
          .send(
            httpError(
              `Another process has updated the '${b.dac}' record. Your changes will be lost.`,
              'PX.Data.PXLockViolationException',
            ),
          );
    }
    const q = req.query as QueryOptions;
    let result: EngineResult;
    if (method === 'GET' && rest.length === 3 && rest[1] === 'status')
      result = engine.actionStatus(entity, rest[0]!, rest[2]!);
    else if (method === 'GET' && rest.length === 0) result = engine.list(entity, version, q);
    else if (method === 'GET') result = engine.get(entity, version, rest, q);
    else if (method === 'PUT' && rest.length === 0)
      result = engine.put(entity, version, req.body, q, {
        ifMatch: req.headers['if-match'] as string | undefined,
        ifNoneMatch: req.headers['if-none-match'] as string | undefined,
      });
    else if (method === 'DELETE' && rest.length > 0) result = engine.delete(entity, rest);
    else if (method === 'POST' && rest.length === 1)
      result = engine.action(entity, version, rest[0]!, req.body);
    else
      return reply
        .code(405)
        .send({ message: `The requested resource does not support http method '${method}'.` });

    if (result.committed && faults.applies(entity, method) && faults.commitThenDrop()) {
      // The write is committed; the client never sees a response (the duplicate-creating case).
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    return send(
      reply,
      result,
      faults.applies(entity, method) && result.body !== undefined && faults.malformed(),
    );
  });

  // ------------------------------------------------------------ admin
  const admin: EmulatorAdmin = {
    seed: (option) => seedStore(store, option, now()),
    reset: () => {
      store.clear();
      auth.clearSessions();
      counters.clear();
      faults.set({});
      notifier.clear();
      notifier.setFaults({});
      notifier.resetStats();
    },
    records: (entity) => store.all(entity),
    getRecord: (entity, id) => store.get(entity, id),
    editRecord: (entity, id, values) => {
      const rec = store.get(entity, id);
      const b = behaviourOf(entity);
      if (!rec || !b) throw new AdminError(404, `No ${entity} record with id ${id}`);
      const apply = (
        node: StoredRecord | StoredRecord['linked'][string],
        typeName: string,
        vals: Record<string, unknown>,
      ): void => {
        const vt = typeInVersion(typeName, versions[versions.length - 1] ?? '24.200.001');
        for (const [k, v] of Object.entries(vals)) {
          const ft = vt.fields.get(k);
          const lt = vt.linked.get(k);
          if (ft) node.values[k] = toPlain(ft, v, opts.utcOffset ?? '+00:00');
          else if (lt && v && typeof v === 'object') {
            node.linked[k] ??= { id: randomUUID(), values: {}, linked: {}, details: {}, note: '' };
            apply(node.linked[k], lt, v as Record<string, unknown>);
          } else throw new AdminError(400, `Unknown field ${k} on ${typeName}`);
        }
      };
      apply(rec, entity, values);
      b.derive?.(rec, { store, now });
      const t = now().toISOString();
      for (const f of b.modifiedFields) rec.values[f] = t;
      store.save(rec);
      return rec;
    },
    counters: () => ({
      ...Object.fromEntries(counters),
      declined: throttle.stats.declined,
      delayed: throttle.stats.delayed,
    }),
    resetCounters: () => {
      counters.clear();
      throttle.stats.declined = 0;
      throttle.stats.delayed = 0;
    },
    setFaults: (f) => faults.set(f),
    setLimits: (l) => {
      limits = { ...limits, ...l };
      return limits;
    },
    expireTokens: () => auth.expireTokens(),
    sessions: () => auth.list(),
    clearSessions: () => auth.clearSessions(),
    pushNotifications: {
      register: (dest) => {
        if (!behaviourOf(dest.entity)) throw new AdminError(404, `Unknown entity ${dest.entity}`);
        notifier.register(dest);
      },
      list: () => notifier.list(),
      clear: () => notifier.clear(),
      setFaults: (f) => notifier.setFaults(f),
      stats: () => ({ ...notifier.stats }),
      failed: () => notifier.failed(),
      resetStats: () => notifier.resetStats(),
      idle: () => notifier.idle(),
    },
  };
  app.decorate('emulatorAdmin', admin);

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof AdminError) return reply.code(err.status).send({ error: err.message });
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    return reply
      .code(status)
      .send(httpError(err.message, status < 500 ? 'System.ArgumentException' : 'System.Exception'));
  });

  app.post('/_emulator/seed', async (req) => ({
    seeded: admin.seed((req.body as SeedOption | undefined) ?? 'demo'),
  }));
  app.post('/_emulator/reset', async (_req, reply) => {
    admin.reset();
    return reply.code(204).send();
  });
  app.get('/_emulator/records/:entity', async (req) => {
    const { entity } = req.params as { entity: string };
    if (!BEHAVIOURS[entity] && entity !== 'SalesPrice') throw new AdminError(404, `Unknown entity ${entity}`);
    return admin.records(entity);
  });
  app.get('/_emulator/records/:entity/:id', async (req) => {
    const { entity, id } = req.params as { entity: string; id: string };
    const rec = admin.getRecord(entity, id);
    if (!rec) throw new AdminError(404, `No ${entity} record with id ${id}`);
    return rec;
  });
  app.patch('/_emulator/records/:entity/:id', async (req) => {
    const { entity, id } = req.params as { entity: string; id: string };
    return admin.editRecord(entity, id, (req.body ?? {}) as Record<string, unknown>);
  });
  app.get('/_emulator/counters', async () => admin.counters());
  app.delete('/_emulator/counters', async (_req, reply) => {
    admin.resetCounters();
    return reply.code(204).send();
  });
  app.get('/_emulator/limits', async () => limits);
  app.put('/_emulator/limits', async (req) => admin.setLimits((req.body ?? {}) as Partial<LicenceLimits>));
  app.get('/_emulator/faults', async () => faults.get());
  app.put('/_emulator/faults', async (req) => {
    admin.setFaults((req.body ?? {}) as FaultConfig);
    return faults.get();
  });
  app.get('/_emulator/sessions', async () => admin.sessions());
  app.delete('/_emulator/sessions', async (_req, reply) => {
    admin.clearSessions();
    return reply.code(204).send();
  });
  app.post('/_emulator/expire-tokens', async () => ({ expired: admin.expireTokens() }));
  app.get('/_emulator/push-notifications', async () => ({
    destinations: admin.pushNotifications.list(),
    faults: notifier.getFaults(),
    stats: admin.pushNotifications.stats(),
    failed: admin.pushNotifications.failed(),
  }));
  app.post('/_emulator/push-notifications', async (req, reply) => {
    const b = (req.body ?? {}) as Partial<PushDestination>;
    if (typeof b.entity !== 'string' || typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))
      throw new AdminError(400, 'entity and an http(s) url are required');
    if (b.header && (typeof b.header.name !== 'string' || typeof b.header.value !== 'string'))
      throw new AdminError(400, 'header must be { name, value }');
    admin.pushNotifications.register(b as PushDestination);
    return reply.code(201).send({ destinations: admin.pushNotifications.list() });
  });
  app.delete('/_emulator/push-notifications', async (_req, reply) => {
    admin.pushNotifications.clear();
    return reply.code(204).send();
  });
  app.put('/_emulator/push-notifications/faults', async (req) => {
    admin.pushNotifications.setFaults((req.body ?? {}) as PushFaults);
    return notifier.getFaults();
  });

  return app;
}

/** An admin API failure with its HTTP status. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
