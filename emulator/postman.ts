/**
 * Replays Acumatica's Postman collection against an in-process emulator, in collection order, with the
 * collection's own expectations: each request's pre-request and test scripts (and the collection-level ones that
 * define the sign-in/sign-out helpers) run in a `node:vm` sandbox with a small `pm` object — variables,
 * `pm.sendRequest`, `pm.test`, a chai-style `pm.expect` subset, `pm.response`, `pm.cookies`. A request passes
 * when every `pm.test` it (or its scripts' sub-requests) ran passed, no script threw, and — for requests whose
 * scripts assert nothing — the response is 2xx. Requests that need something the emulator does not emulate are
 * skipped before anything is sent, with the reason.
 */
import { STATUS_CODES } from 'node:http';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { buildEmulator } from './app';
import { BEHAVIOURS } from './entities';
import { parseRequestJson } from './json';
import { DEFAULT_VERSIONS, typeInVersion } from './schema';

type Json = Record<string, unknown>;

export interface PmItem {
  name: string;
  item?: PmItem[];
  request?: {
    method: string;
    url: string | { raw: string };
    body?: { mode?: string; raw?: string };
    header?: { key: string; value: string; disabled?: boolean }[];
  };
  event?: PmEvent[];
}

interface PmEvent {
  listen: string;
  script: { exec: string[] };
}

interface PmCollection {
  item: PmItem[];
  event?: PmEvent[];
  variable?: { key: string; value: string }[];
}

export interface PostmanOutcome {
  /** Collection requests actually sent. */
  run: number;
  passed: number;
  /** Requests sent whose entity the emulator serves (sign-in/sign-out excluded). */
  runSupported: number;
  skipped: string[];
  failed: string[];
}

/** Where the emulator lives for the collection: the site root, so `InstanceURL` is `BaseURL` itself. */
const ENVIRONMENT: Record<string, string> = { BaseURL: 'http://localhost/', InstanceURL: '{{BaseURL}}' };
/** The runner's clock starts here and advances one second per HTTP request, so long-running actions finish. */
const START = Date.parse('2024-06-20T12:00:00Z');
/** Guard against a script polling forever. */
const MAX_SUB_REQUESTS = 60;

const scriptOf = (events: PmEvent[] | undefined, listen: string): string =>
  (events ?? [])
    .filter((e) => e.listen === listen)
    .map((e) => e.script.exec.join('\n'))
    .join('\n');

const urlOf = (it: PmItem): string => {
  const u = it.request!.url;
  return typeof u === 'string' ? u : u.raw;
};

/** Names of entities a script sends requests to (`EndpointURL') + 'Shipment/...`, `endpointurl+'StockItem?...`). */
function scriptEntities(script: string): string[] {
  return [...script.matchAll(/(?:EndpointURL'\)|endpointurl)\s*\+\s*["'/]*([A-Za-z]+)/gi)].map((m) => m[1]!);
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Linked/detail members a body uses that the emulator's type (or a nested one) does not have. */
function unknownMembers(body: Json, typeName: string, version: string, prefix: string): string[] {
  const vt = typeInVersion(typeName, version);
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (k === 'custom' || k === 'id' || k === 'note' || k === 'delete' || k === '_links') continue;
    const nested = Array.isArray(v) || (isObject(v) && !('value' in v) && Object.keys(v).length > 0);
    if (isObject(v) && 'value' in v && Object.keys(v).some((x) => x !== 'value' && x !== 'error'))
      out.push(
        `${prefix}${k} with ${Object.keys(v)
          .filter((x) => x !== 'value')
          .join(', ')}`,
      );
    if (!nested) continue;
    const lt = vt.linked.get(k);
    const dt = vt.details.get(k);
    if (lt && isObject(v)) out.push(...unknownMembers(v, lt, version, `${prefix}${k}.`));
    else if (dt && Array.isArray(v))
      for (const row of v)
        if (isObject(row)) out.push(...unknownMembers(row, dt, version, `${prefix}${k}.`));
        else if (!lt && !dt) out.push(`${prefix}${k}`);
  }
  return [...new Set(out)];
}

/** Members named in `$expand`/`$select` paths that the emulator's types do not have. */
function unknownPaths(paths: string[], entity: string, version: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let type = entity;
    const segs = p.split('/');
    for (let i = 0; i < segs.length; i++) {
      const vt = typeInVersion(type, version);
      const s = segs[i]!;
      const next = vt.linked.get(s) ?? vt.details.get(s);
      if (next) {
        type = next;
        continue;
      }
      if (i === segs.length - 1 && vt.fields.has(s)) break;
      out.push(`${entity}.${segs.slice(0, i + 1).join('.')}`);
      break;
    }
  }
  return [...new Set(out)];
}

/**
 * Why the emulator cannot run a request, or undefined when it can. Decided from the request and its scripts
 * only, before anything is sent.
 */
export function skipReason(
  it: PmItem,
  collection: PmCollection,
  settable: Set<string>,
  version: string,
): string | undefined {
  const raw = urlOf(it);
  const method = it.request!.method.toUpperCase();
  const scripts = `${scriptOf(it.event, 'prerequest')}\n${scriptOf(it.event, 'test')}`;
  if (/\{\{ManufacturingEndpointURL\}\}/.test(raw)) return 'the MANUFACTURING endpoint is not emulated';
  if (/\{\{fileRef\}\}|\{\{StockItemFileUrl\}\}|\/files\//.test(raw))
    return 'file attachments are not emulated';
  if (/entity\/Report\//.test(raw)) return 'reports (entity/Report) are not emulated';
  if (/\/(identity|oauth)\//i.test(raw)) return undefined;
  if (/entity\/auth\/(login|logout)$/.test(raw) || /\{\{InstanceURL\}\}\/?entity\/?$/.test(raw))
    return undefined;
  const m = /\{\{EndpointURL\}\}\/?([A-Za-z]+)(\/[^?]*)?(\?.*)?$/.exec(raw);
  if (!m) return `request URL ${raw} is not an emulated entity endpoint`;
  const entity = m[1]!;
  const rest = (m[2] ?? '').split('/').filter((s) => s !== '');
  if (!BEHAVIOURS[entity]) return `entity ${entity} is not emulated`;
  const foreign = [...new Set(scriptEntities(scripts).filter((e) => !BEHAVIOURS[e]))];
  if (foreign.length > 0) return `its scripts call entity ${foreign.join(', ')}, which is not emulated`;
  const query = new URLSearchParams((m[3] ?? '').slice(1));
  const b = BEHAVIOURS[entity]!;
  const customKept = (view: string, field: string) => b.customFields?.[view]?.[field] !== undefined;
  const requested = (query.get('$custom') ?? '').split(',').filter((s) => s.trim() !== '');
  if (requested.some((name) => !customKept(...(name.trim().split('.') as [string, string]))))
    return 'custom fields ($custom) are not emulated';
  if (rest[0] === '$adHocSchema') return '$adHocSchema is not emulated';
  if ((method === 'POST' && rest.length === 1) || (method === 'GET' && rest[1] === 'status')) {
    if (!b.actions[rest[0]!]) return `action ${entity}/${rest[0]!} is not emulated`;
  }
  for (const e of scriptEntities(scripts)) {
    const am = new RegExp(`${e}/([A-Za-z]+)['"]`).exec(scripts);
    if (am && !BEHAVIOURS[e]!.actions[am[1]!] && /method:\s*'POST'/.test(scripts))
      return `its scripts call action ${e}/${am[1]!}, which is not emulated`;
  }
  const paths = [query.get('$expand'), query.get('$select')]
    .flatMap((s) => (s ?? '').split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (paths.some((p) => p === 'files' || p.startsWith('files/'))) return 'file attachments are not emulated';
  const missingPaths = unknownPaths(paths, entity, version);
  if (missingPaths.length > 0) return `${missingPaths.join(', ')} not emulated`;
  const bodyText = it.request!.body?.raw ?? '';
  if (bodyText.trim() !== '') {
    let body: unknown;
    try {
      body = parseRequestJson(bodyText.replace(/\{\{(\w+)\}\}/g, 'x'));
    } catch {
      return 'its body is not JSON';
    }
    if (isObject(body)) {
      const custom = isObject(body.custom) ? Object.entries(body.custom) : [];
      if (
        custom.some(
          ([view, fields]) => !isObject(fields) || Object.keys(fields).some((f) => !customKept(view, f)),
        )
      )
        return 'custom fields (custom) are not emulated';
      const target = method === 'POST' && isObject(body.entity) ? body.entity : body;
      const members = unknownMembers(target, entity, version, `${entity}.`);
      if (members.length > 0) return `${members.join(', ')} not emulated`;
    }
  }
  const defined = new Map((collection.variable ?? []).map((v) => [v.key, v.value]));
  const unset = [...`${raw}\n${bodyText}`.matchAll(/\{\{(\w+)\}\}/g)]
    .map((x) => x[1]!)
    .filter((v) => !ENVIRONMENT[v] && !defined.get(v) && !settable.has(v));
  if (unset.length > 0)
    return `uses collection variable ${[...new Set(unset)].join(', ')}, which no request of the collection sets`;
  return undefined;
}

// ------------------------------------------------------------------ chai-style assertions

class PmAssertionError extends Error {}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Json)[k], (b as Json)[k]));
}

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

const CHAIN = new Set([
  'to',
  'be',
  'been',
  'is',
  'that',
  'which',
  'and',
  'has',
  'have',
  'with',
  'at',
  'of',
  'same',
  'but',
  'does',
  'deep',
]);

/** The subset of chai's BDD `expect` the collection uses; anything else throws so the request fails loudly. */
function assertion(actual: unknown, negate = false, useLength = false): unknown {
  const subject = (): unknown => (useLength ? (actual as { length?: unknown } | null)?.length : actual);
  const check = (ok: boolean, msg: string): void => {
    if (ok === negate) throw new PmAssertionError(`expected ${negate ? 'not ' : ''}${msg}`);
  };
  const next = (): unknown => assertion(actual, negate, useLength);
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
  const includes = (hay: unknown, needle: unknown): boolean =>
    typeof hay === 'string'
      ? hay.includes(String(needle))
      : Array.isArray(hay)
        ? hay.some((x) => deepEqual(x, needle))
        : isObject(hay) && isObject(needle)
          ? Object.entries(needle).every(([k, v]) => deepEqual(hay[k], v))
          : false;
  const methods: Record<string, (...args: unknown[]) => void> = {
    eql: (v) => check(deepEqual(subject(), v), `${show(subject())} to deeply equal ${show(v)}`),
    equal: (v) => check(subject() === v, `${show(subject())} to equal ${show(v)}`),
    include: (v) => check(includes(subject(), v), `${show(subject())} to include ${show(v)}`),
    lengthOf: (n) =>
      check(
        (subject() as { length?: unknown } | null)?.length === n,
        `${show(subject())} to have length ${show(n)}`,
      ),
    above: (n) => check(num(subject()) > num(n), `${show(subject())} to be above ${show(n)}`),
    least: (n) => check(num(subject()) >= num(n), `${show(subject())} to be at least ${show(n)}`),
    below: (n) => check(num(subject()) < num(n), `${show(subject())} to be below ${show(n)}`),
    most: (n) => check(num(subject()) <= num(n), `${show(subject())} to be at most ${show(n)}`),
    property: (...args) => {
      const s = subject();
      const has =
        s !== null && s !== undefined && Object.prototype.hasOwnProperty.call(Object(s), args[0] as string);
      if (args.length < 2) check(has, `${show(s)} to have property ${show(args[0])}`);
      else
        check(
          has && deepEqual((s as Json)[args[0] as string], args[1]),
          `property ${show(args[0])} ${show((s as Json | undefined)?.[args[0] as string])} to be ${show(args[1])}`,
        );
    },
    status: (n) =>
      check(
        (subject() as { code?: unknown }).code === n,
        `status ${show((subject() as { code?: unknown }).code)} to be ${show(n)}`,
      ),
  };
  const aliases: Record<string, string> = {
    eqls: 'eql',
    equals: 'equal',
    eq: 'equal',
    includes: 'include',
    contain: 'include',
    contains: 'include',
    greaterThan: 'above',
    gt: 'above',
    gte: 'least',
    lessThan: 'below',
    lt: 'below',
    lte: 'most',
  };
  const getters: Record<string, () => void> = {
    empty: () => {
      const s = subject();
      if (typeof s === 'string' || Array.isArray(s)) check(s.length === 0, `${show(s)} to be empty`);
      else if (isObject(s)) check(Object.keys(s).length === 0, `${show(s)} to be empty`);
      else throw new PmAssertionError(`.empty was passed ${show(s)}`);
    },
    null: () => check(subject() === null, `${show(subject())} to be null`),
    undefined: () => check(subject() === undefined, `${show(subject())} to be undefined`),
    true: () => check(subject() === true, `${show(subject())} to be true`),
    false: () => check(subject() === false, `${show(subject())} to be false`),
    ok: () => check(Boolean(subject()), `${show(subject())} to be truthy`),
    exist: () => check(subject() !== null && subject() !== undefined, `${show(subject())} to exist`),
  };
  return new Proxy(
    {},
    {
      get(_t, p) {
        if (typeof p !== 'string') return undefined;
        if (CHAIN.has(p)) return next();
        if (p === 'not') return assertion(actual, !negate, useLength);
        if (p === 'length') return assertion(actual, negate, true);
        const g = getters[p];
        if (g) {
          g();
          return next();
        }
        const fn = methods[aliases[p] ?? p];
        if (fn)
          return (...args: unknown[]) => {
            fn(...args);
            return next();
          };
        throw new PmAssertionError(`unsupported assertion .${p}`);
      },
    },
  );
}

// ------------------------------------------------------------------ the runner

interface HttpResponse {
  code: number;
  headers: Record<string, string>;
  text: string;
  cookies: string[];
}

/** A Postman response object (`pm.response`, and what `pm.sendRequest` callbacks get). */
function pmResponse(r: HttpResponse): Json {
  const res: Json = {
    code: r.code,
    status: STATUS_CODES[r.code] ?? '',
    headers: { get: (name: string) => r.headers[name.toLowerCase()] },
    json: () => JSON.parse(r.text) as unknown,
    text: () => r.text,
  };
  Object.defineProperty(res, 'to', { get: () => assertion(res) });
  return res;
}

class Runner {
  private readonly vars: Map<string, string>;
  private readonly jar = new Map<string, string>();
  private pending: Promise<void>[] = [];
  private subRequests = 0;
  private results: { name: string; error?: string }[] = [];
  private errors: string[] = [];
  private lastResponse: HttpResponse | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly collection: PmCollection,
    private readonly clock: { ms: number },
    private readonly signIn: PmItem | undefined,
  ) {
    this.vars = new Map((collection.variable ?? []).map((v) => [v.key, v.value]));
    for (const [k, v] of Object.entries(ENVIRONMENT)) this.vars.set(k, v);
  }

  resolve(s: string): string {
    let out = s;
    for (let i = 0; i < 5 && /\{\{\w+\}\}/.test(out); i++)
      out = out.replace(/\{\{(\w+)\}\}/g, (all, k: string) => this.vars.get(k) ?? all);
    return out;
  }

  async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<HttpResponse> {
    this.clock.ms += 1000;
    const u = new URL(this.resolve(url).trim());
    const path = u.pathname.replace(/\/{2,}/g, '/') + u.search;
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({
      method: method.toUpperCase() as 'GET',
      url: path,
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      payload: body !== undefined && body.trim() !== '' ? this.resolve(body) : undefined,
    });
    for (const c of res.cookies) {
      if (c.expires && c.expires.getTime() < this.clock.ms) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    const hdrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hdrs[k.toLowerCase()] = String(v);
    return { code: res.statusCode, headers: hdrs, text: res.body, cookies: res.cookies.map((c) => c.name) };
  }

  private makePm(it: PmItem): Json {
    const proto: Json = {};
    const pm = Object.create(proto) as Json;
    const varApi = {
      get: (k: string) => this.vars.get(k),
      set: (k: string, v: unknown) => void this.vars.set(k, String(v)),
      unset: (k: string) => void this.vars.delete(k),
      has: (k: string) => this.vars.has(k),
      replaceIn: (s: string) => this.resolve(s),
    };
    Object.assign(pm, {
      info: { requestName: it.name },
      collectionVariables: varApi,
      environment: varApi,
      globals: varApi,
      variables: varApi,
      execution: { setNextRequest: () => undefined },
      setNextRequest: () => undefined,
      expect: (v: unknown) => assertion(v),
      test: (name: string, fn: () => void) => {
        try {
          fn();
          this.results.push({ name });
        } catch (err) {
          this.results.push({ name, error: err instanceof Error ? err.message : String(err) });
        }
      },
      sendRequest: (req: string | Json, cb?: (err: unknown, res: unknown) => void) => {
        if (++this.subRequests > MAX_SUB_REQUESTS) {
          this.errors.push(`more than ${MAX_SUB_REQUESTS} script requests`);
          return;
        }
        const r = typeof req === 'string' ? { url: req } : req;
        const headers: Record<string, string> = {};
        if (Array.isArray(r.header))
          for (const h of r.header as { key: string; value: string }[])
            headers[h.key.toLowerCase()] = h.value;
        else if (isObject(r.header))
          for (const [k, v] of Object.entries(r.header)) headers[k.toLowerCase()] = String(v);
        const body = isObject(r.body) && typeof r.body.raw === 'string' ? r.body.raw : undefined;
        this.pending.push(
          this.send(String(r.method ?? 'GET'), String(r.url), headers, body).then((res) => {
            try {
              cb?.(null, pmResponse(res));
            } catch (err) {
              this.errors.push(`script callback: ${err instanceof Error ? err.message : String(err)}`);
            }
          }),
        );
      },
    });
    Object.defineProperty(pm, 'response', {
      get: () => (this.lastResponse ? pmResponse(this.lastResponse) : undefined),
    });
    Object.defineProperty(pm, 'cookies', {
      get: () => {
        const names = [...this.jar.keys()];
        return {
          indexOf: (n: string) => names.indexOf(n),
          has: (n: string) => names.includes(n),
          get: (n: string) => this.jar.get(n),
        };
      },
    });
    return pm;
  }

  private async runScripts(pm: Json, code: string[]): Promise<void> {
    // Postman runs the collection-level and request-level scripts of one phase in one sandbox.
    const ctx = vm.createContext({
      pm,
      console: { log: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      setTimeout: () => 0,
    });
    for (const c of code) {
      if (c.trim() === '') continue;
      try {
        vm.runInContext(c, ctx, { timeout: 2000 });
      } catch (err) {
        this.errors.push(`script: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  /** Runs one request with its scripts; returns undefined when it passed, else why it failed. */
  async run(it: PmItem, folders: PmItem[]): Promise<string | undefined> {
    this.results = [];
    this.errors = [];
    this.subRequests = 0;
    this.lastResponse = undefined;
    const pm = this.makePm(it);
    // Postman runs the collection's, then each enclosing folder's, then the request's own scripts.
    const chain = [this.collection.event, ...folders.map((f) => f.event), it.event];
    await this.runScripts(
      pm,
      chain.map((e) => scriptOf(e, 'prerequest')),
    );
    const req = it.request!;
    if (this.signIn && !this.jar.has('.ASPXAUTH') && !/entity\/auth\//.test(urlOf(it))) {
      // Requests that do not sign in themselves run in the session a user opens with the collection's
      // "Sign In to the Service" request before running them.
      const login = this.signIn.request!;
      await this.send(
        login.method,
        urlOf(this.signIn),
        { 'content-type': 'application/json' },
        login.body?.raw,
      );
    }
    const headers: Record<string, string> = {};
    for (const h of req.header ?? []) if (!h.disabled) headers[h.key.toLowerCase()] = this.resolve(h.value);
    const hasBody = req.method.toUpperCase() !== 'GET' && (req.body?.raw ?? '').trim() !== '';
    if (!hasBody) delete headers['content-type'];
    this.lastResponse = await this.send(req.method, urlOf(it), headers, hasBody ? req.body!.raw : undefined);
    await this.runScripts(
      pm,
      chain.map((e) => scriptOf(e, 'test')),
    );
    const problems = [
      ...this.results.filter((r) => r.error).map((r) => `${r.name}: ${r.error!}`),
      ...this.errors,
    ];
    if (this.results.length === 0 && (this.lastResponse.code < 200 || this.lastResponse.code > 299))
      problems.push(`no assertions and status ${this.lastResponse.code}`);
    return problems.length > 0 ? problems.join('; ') : undefined;
  }
}

/** Users of the collection's tenants (`Username<T>`/`Password<T>`/`Tenant<T>` variables). */
function collectionUsers(c: PmCollection): { name: string; password: string; tenant: string }[] {
  const v = new Map((c.variable ?? []).map((x) => [x.key, x.value]));
  return [...v.keys()]
    .filter((k) => k.startsWith('Tenant'))
    .map((k) => k.slice('Tenant'.length))
    .map((t) => ({
      name: v.get(`Username${t}`) ?? '',
      password: v.get(`Password${t}`) ?? '',
      tenant: v.get(`Tenant${t}`) ?? '',
    }))
    .filter((u) => u.name !== '');
}

/** Replays the collection in `file` against a fresh in-process emulator seeded with the `postman` profile. */
export async function runPostmanCollection(collection: PmCollection): Promise<PostmanOutcome> {
  const flat: { it: PmItem; folders: PmItem[] }[] = [];
  const walk = (items: PmItem[], folders: PmItem[]): void =>
    items.forEach((i) => (i.item ? walk(i.item, [...folders, i]) : flat.push({ it: i, folders })));
  walk(collection.item, []);
  const version = /Default\/([\d.]+)\//.exec(
    (collection.variable ?? []).find((v) => v.key === 'EndpointURL')?.value ?? '',
  )?.[1];
  if (!version) throw new Error('The collection has no EndpointURL variable with a Default endpoint version');
  const allScripts = JSON.stringify(collection);
  const settable = new Set(
    [
      ...allScripts.matchAll(
        /pm\.(?:collectionVariables|environment|globals|variables)\.set\(\s*\\?["'](\w+)/g,
      ),
    ].map((m) => m[1]!),
  );
  const clock = { ms: START };
  const app = await buildEmulator({
    seed: 'postman',
    versions: DEFAULT_VERSIONS.includes(version) ? DEFAULT_VERSIONS : [...DEFAULT_VERSIONS, version],
    users: collectionUsers(collection),
    now: () => new Date(clock.ms),
    actionDurationMs: 500,
  });
  const signIn = flat.find((f) => /entity\/auth\/login$/.test(urlOf(f.it)))?.it;
  const runner = new Runner(app, collection, clock, signIn);
  const out: PostmanOutcome = { run: 0, passed: 0, runSupported: 0, skipped: [], failed: [] };
  try {
    for (const { it, folders } of flat) {
      const reason = skipReason(it, collection, settable, version);
      if (reason) {
        out.skipped.push(`${it.name}: ${reason}`);
        continue;
      }
      out.run++;
      if (/\{\{EndpointURL\}\}/.test(urlOf(it))) out.runSupported++;
      const failure = await runner.run(it, folders);
      if (failure) out.failed.push(`${it.name}: ${failure}`);
      else out.passed++;
    }
  } finally {
    await app.close();
  }
  return out;
}
