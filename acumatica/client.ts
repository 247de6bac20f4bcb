/**
 * The Acumatica contract-based REST client used by sync activities. One instance per account and
 * process: one keep-alive pool, one authenticated session, an optional shared limiter. Every
 * failure leaves this module as a classified `AcumaticaError` (see errors.ts) or, on
 * cancellation, as the caller's abort reason.
 */
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuthenticator, type Authenticator } from './auth';
import type {
  ActionOptions,
  ActionPayload,
  ActionResult,
  CallOptions,
  ClientOptions,
  ConnectionSettings,
  GetOptions,
  ListOptions,
  ListPagesOptions,
  Page,
  PutOptions,
} from './client-types';
import { classifyResponse, malformedResponse, type FailureContext, type FailureOperation } from './classify';
import {
  AcumaticaRejectedError,
  AcumaticaRetryableError,
  AcumaticaThrottledError,
  type AcumaticaError,
} from './errors';
import { parseEndpointList, versionCheck, type EndpointList, type VersionCheck } from './endpoints';
import { buildQuery } from './filter';
import { IDENTIFIER, checkedName, keyPath } from './paths';
import { HttpTransport, type HttpRequest, type HttpResponse } from './http';
import type { RequestLimiter } from './limiter';
import type { AcumaticaRecord } from './values';

/** Re-logins of one request answered 401 before it fails as an authentication error. */
const MAX_RELOGINS = 2;
const VERSION = /^[0-9A-Za-z._-]+$/;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Typed access to one Acumatica instance, tenant and endpoint version. */
export class AcumaticaClient {
  private readonly transport: HttpTransport;
  private readonly auth: Authenticator;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly endpointPath: string;
  private readonly logger: Logger;
  private readonly limiter: RequestLimiter | undefined;
  private readonly maxPacingWaitMs: number | undefined;
  private readonly now: () => number;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    options: ClientOptions,
  ) {
    const url = new URL(settings.baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`Acumatica baseUrl must be http(s), got ${url.protocol}`);
    }
    if (!IDENTIFIER.test(settings.endpointName))
      throw new TypeError(`Invalid endpoint name: ${settings.endpointName}`);
    if (!VERSION.test(settings.restVersion))
      throw new TypeError(`Invalid endpoint version: ${settings.restVersion}`);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.endpointPath = `${this.basePath}/entity/${settings.endpointName}/${settings.restVersion}`;
    this.logger = options.logger;
    this.limiter = options.limiter;
    this.maxPacingWaitMs = options.maxPacingWaitMs;
    this.now = options.now ?? Date.now;
    this.transport = new HttpTransport(this.origin, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.pool);
    this.auth = createAuthenticator(settings.auth, {
      tenant: settings.tenant,
      basePath: this.basePath,
      send: (request, operation, ctx) => this.send(request, operation, ctx),
      logger: this.logger,
      now: this.now,
      refreshSkewMs: options.tokenRefreshSkewMs ?? 60_000,
    });
  }

  /**
   * Reads one record by key values (in the screen's key order, e.g. `['SO', 'SO004711']`) or by
   * its GUID `id`. Retries nothing itself except re-logins on 401.
   * @throws AcumaticaNotFoundError when no record has those keys; other AcumaticaErrors as classified.
   */
  async get(
    entity: string,
    keysOrId: string | readonly string[],
    options: GetOptions = {},
  ): Promise<AcumaticaRecord> {
    const res = await this.call('GET', `${this.entityPath(entity)}/${keyPath(keysOrId)}`, {
      query: buildQuery(options),
      signal: options.signal,
    });
    return this.json<AcumaticaRecord>(res, 'GET', this.entityPath(entity));
  }

  /**
   * Lists records with `$filter/$select/$expand/$top/$skip`. Without `$top` Acumatica returns
   * every record: prefer {@link listPages}. Retries only re-logins on 401.
   * @throws AcumaticaError as classified (e.g. AcumaticaRejected for an unoptimizable filter).
   */
  async list(entity: string, options: ListOptions = {}): Promise<AcumaticaRecord[]> {
    const path = this.entityPath(entity);
    const res = await this.call('GET', path, { query: buildQuery(options), signal: options.signal });
    const body = this.json<unknown>(res, 'GET', path);
    if (!Array.isArray(body)) {
      throw malformedResponse(
        res.status,
        res.body,
        this.ctx('GET', path),
        new Error('expected a JSON array'),
      );
    }
    return body as AcumaticaRecord[];
  }

  /**
   * Pages through a list with `$top/$skip` (default 500 per page), stopping at the first short
   * page. Pass `skip` to resume (e.g. from an activity heartbeat). Pages can shift if records are
   * inserted meanwhile: callers de-duplicate by `id` and use an overlap window.
   * @throws AcumaticaError as classified, from the page that failed.
   */
  async *listPages(entity: string, options: ListPagesOptions = {}): AsyncGenerator<Page> {
    const { pageSize = 500, skip: start = 0, ...query } = options;
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new RangeError('pageSize must be a positive integer');
    let skip = start;
    for (;;) {
      const records = await this.list(entity, { ...query, top: pageSize, skip });
      yield { records, skip };
      if (records.length < pageSize) return;
      skip += records.length;
    }
  }

  /**
   * Creates or updates a record (upsert by key fields, `id` or `filter`) and returns it as
   * Acumatica stored it. Not idempotent for auto-numbered documents: a PUT without the number
   * creates a new document each time. Not retried here; a network failure is thrown with
   * `outcomeUnknown: true` because the write may have been committed.
   * @throws AcumaticaRejectedError on 422 (with `fieldErrors`) or 412; other AcumaticaErrors as classified.
   */
  async put(entity: string, body: AcumaticaRecord, options: PutOptions = {}): Promise<AcumaticaRecord> {
    const path = this.entityPath(entity);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.ifNoneMatch === true) headers['if-none-match'] = '*';
    if (options.ifMatch === true) headers['if-match'] = '*';
    if (options.businessDate !== undefined) headers['px-cbapibusinessdate'] = options.businessDate;
    if (options.branch !== undefined) headers['px-cbapibranch'] = options.branch;
    const res = await this.call('PUT', path, {
      query: buildQuery(options),
      body: JSON.stringify(body),
      headers,
      signal: options.signal,
    });
    return this.json<AcumaticaRecord>(res, 'PUT', path);
  }

  /**
   * Deletes a record by key values or GUID `id`.
   * @throws AcumaticaNotFoundError when it does not exist; other AcumaticaErrors as classified.
   */
  async delete(
    entity: string,
    keysOrId: string | readonly string[],
    options: CallOptions = {},
  ): Promise<void> {
    await this.call('DELETE', `${this.entityPath(entity)}/${keyPath(keysOrId)}`, { signal: options.signal });
  }

  /**
   * Invokes an action (`POST /<Entity>/<Action>`). A 204 means done; a 202 is followed by polling
   * its `Location` until 204, waiting `pollIntervalMs` growing to `maxPollIntervalMs`.
   * @throws AcumaticaRetryableError (reason `action-timeout`, outcomeUnknown) if the deadline passes
   *   while the action still runs; AcumaticaErrors as classified for the action or a poll.
   */
  async invokeAction(
    entity: string,
    action: string,
    payload: ActionPayload = {},
    options: ActionOptions = {},
  ): Promise<ActionResult> {
    const path = `${this.entityPath(entity)}/${checkedName(action, 'action')}`;
    const res = await this.call('POST', path, {
      body: JSON.stringify({ entity: payload.entity ?? {}, parameters: payload.parameters ?? {} }),
      headers: { 'content-type': 'application/json' },
      signal: options.signal,
    });
    if (res.status !== 202) return { location: header(res, 'location'), polls: 0 };

    const location = header(res, 'location');
    if (location === undefined) {
      throw malformedResponse(
        res.status,
        res.body,
        this.ctx('POST', path),
        new Error('202 without a Location header'),
      );
    }
    const statusPath = this.sameOriginPath(location);
    const started = this.now();
    const deadline = started + (options.deadlineMs ?? 10 * 60_000);
    const maxInterval = options.maxPollIntervalMs ?? 15_000;
    let interval = Math.min(options.pollIntervalMs ?? 1_000, maxInterval);
    for (let polls = 1; ; polls++) {
      if (this.now() + interval > deadline) {
        throw new AcumaticaRetryableError(
          `Acumatica action ${entity}/${action} still running after ${Math.round((this.now() - started) / 1000)} s`,
          { status: 202, reason: 'action-timeout', outcomeUnknown: true },
        );
      }
      await sleep(interval, undefined, options.signal === undefined ? undefined : { signal: options.signal });
      const poll = await this.call('GET', statusPath, { signal: options.signal });
      if (poll.status !== 202) return { location: header(poll, 'location') ?? location, polls };
      interval = Math.min(Math.round(interval * 1.5), maxInterval);
    }
  }

  /**
   * Lists the endpoints and build version the instance serves (`GET /entity`), accepting both the
   * current `{version, endpoints}` shape and the older bare array.
   * @throws AcumaticaError as classified.
   */
  async getEndpoints(options: CallOptions = {}): Promise<EndpointList> {
    const path = `${this.basePath}/entity`;
    const res = await this.call('GET', path, { signal: options.signal });
    const body = this.json<unknown>(res, 'GET', path);
    const list = parseEndpointList(body);
    if (list === undefined) {
      throw malformedResponse(res.status, res.body, this.ctx('GET', path), new Error('no endpoint list'));
    }
    return list;
  }

  /**
   * Checks that the instance serves the configured endpoint version (and, as a side effect, that
   * the credentials work). Does not throw for an unsupported version: read `supported`.
   * @throws AcumaticaError as classified (e.g. AcumaticaAuth for bad credentials).
   */
  async checkVersion(options: CallOptions = {}): Promise<VersionCheck> {
    const list = await this.getEndpoints(options);
    return versionCheck(list, this.settings.endpointName, this.settings.restVersion);
  }

  /**
   * Signs out (freeing the API seat) and closes the connection pool. Call it in `finally`.
   * Never throws: a failed logout is logged, since the session then expires on its own.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.auth.logout(AbortSignal.timeout(30_000));
      } catch (err) {
        this.logger.warn({ err: describe(err) }, 'acumatica sign-out failed');
      }
      await this.transport.close();
    })();
    return this.closing;
  }

  /** Authenticated request, signing in again on 401 (twice at most); non-2xx answers are thrown classified. */
  private async call(
    method: HttpRequest['method'],
    path: string,
    request: {
      query?: string;
      body?: string;
      headers?: Record<string, string>;
      signal: AbortSignal | undefined;
    },
  ): Promise<HttpResponse> {
    if (this.closing !== undefined) throw new Error('AcumaticaClient is closed');
    const ctx = this.ctx(method, path);
    for (let attempt = 0; ; attempt++) {
      const credentials = await this.auth.authorize(request.signal);
      const res = await this.send(
        {
          method,
          path: `${path}${request.query ?? ''}`,
          headers: { accept: 'application/json', ...request.headers, ...credentials.headers },
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        },
        'request',
        ctx,
      );
      this.auth.observe(res.headers);
      if (res.status < 400) return res;
      // A token can expire again between our re-login and the retry (a long run outlives many tokens, and a
      // concurrent request may have been the one to renew): sign in again up to twice, then give up.
      if (res.status === 401 && attempt < MAX_RELOGINS) {
        this.logger.warn({ method, path }, 'acumatica answered 401, signing in again');
        await this.auth.renew(credentials.generation, request.signal);
        continue;
      }
      throw this.failure(res, ctx);
    }
  }

  /** One HTTP exchange through the limiter (logout skips it: Acumatica never queues logouts). */
  private async send(
    request: HttpRequest,
    operation: FailureOperation,
    ctx: FailureContext,
  ): Promise<HttpResponse> {
    const paced = operation !== 'logout' && this.limiter !== undefined;
    const wait = paced && this.maxPacingWaitMs !== undefined ? (this.limiter?.expectedWaitMs() ?? 0) : 0;
    if (this.maxPacingWaitMs !== undefined && wait > this.maxPacingWaitMs) {
      throw new AcumaticaThrottledError(
        `Acumatica ${ctx.method} ${ctx.path} not sent: the account's licence budget holds requests back for ${Math.ceil(wait / 1000)} s`,
        { retryAfterMs: wait },
      );
    }
    const release = paced ? await this.limiter?.acquire(request.signal) : undefined;
    const started = this.now();
    try {
      const res = await this.transport.send(request, { ...ctx, secrets: this.auth.secrets() });
      this.logger.debug(
        { method: request.method, path: ctx.path, status: res.status, ms: this.now() - started },
        'acumatica request',
      );
      return res;
    } finally {
      release?.();
    }
  }

  private failure(res: HttpResponse, ctx: FailureContext): AcumaticaError {
    const err = classifyResponse(res, { ...ctx, secrets: this.auth.secrets() });
    if (err.type === 'AcumaticaThrottled' && err.retryAfterMs !== undefined)
      this.limiter?.backoff(err.retryAfterMs);
    this.logger.debug(
      { method: ctx.method, path: ctx.path, status: res.status, type: err.type },
      'acumatica request failed',
    );
    return err;
  }

  private json<T>(res: HttpResponse, method: string, path: string): T {
    try {
      return JSON.parse(res.body) as T;
    } catch (err) {
      throw malformedResponse(
        res.status,
        res.body,
        { ...this.ctx(method, path), secrets: this.auth.secrets() },
        err,
      );
    }
  }

  private entityPath(entity: string): string {
    return `${this.endpointPath}/${checkedName(entity, 'entity')}`;
  }

  /** Resolves a `Location` header; refuses other origins so credentials never leave the instance. */
  private sameOriginPath(location: string): string {
    const url = new URL(location, `${this.origin}${this.basePath}/`);
    if (url.origin !== this.origin) {
      throw new AcumaticaRejectedError(`Acumatica returned a Location on another origin (${url.origin})`);
    }
    return `${url.pathname}${url.search}`;
  }

  private ctx(method: string, path: string): FailureContext {
    return { method, path, operation: 'request', now: this.now };
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
