/**
 * One place that turns every Acumatica failure (HTTP status + body, network error, malformed
 * response) into a typed error whose `type` string drives Temporal retry policies and workflow
 * branching. Callers never inspect status codes themselves.
 */
import { STATUS_CODES } from 'node:http';

/**
 * Every failure type and whether retrying can help. The `type` strings are what Temporal retry policies
 * and workflows branch on: never rename one.
 */
const RETRYABLE_BY_TYPE = {
  /** Transient: network failure, 5xx, 408, "Another process has updated…", malformed response. */
  AcumaticaRetryable: true,
  /** 429 or licence throttling: retry after `retryAfterMs`. */
  AcumaticaThrottled: true,
  /** The request itself is wrong for Acumatica (400/404/409/412/422, business validation). */
  AcumaticaRejected: false,
  /** Credentials refused, or still 401/403 after signing in again. */
  AcumaticaAuth: false,
  /** The addressed record does not exist (Acumatica answers 500 NoEntitySatisfiesTheCondition). */
  AcumaticaNotFound: false,
  /** "API Login Limit": every licensed API seat is taken; retry after minutes, never hammer login. */
  AcumaticaSeatLimit: true,
} as const;

export type AcumaticaErrorType = keyof typeof RETRYABLE_BY_TYPE;

export const ACUMATICA_ERROR_TYPES = Object.keys(RETRYABLE_BY_TYPE) as readonly AcumaticaErrorType[];

/** Failure types a retry policy must not retry: retrying cannot change the outcome. */
export const NON_RETRYABLE_ACUMATICA_ERROR_TYPES: readonly AcumaticaErrorType[] =
  ACUMATICA_ERROR_TYPES.filter((type) => !RETRYABLE_BY_TYPE[type]);

/** Why a retryable error happened; lets callers tell "maybe applied" apart from "not applied". */
export type RetryableReason =
  'network' | 'timeout' | 'server' | 'conflict' | 'malformed-response' | 'action-timeout';

/** A field-level validation message from a 422 echo, e.g. `Details[1]/InventoryID`. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AcumaticaErrorInit {
  status?: number;
  retryAfterMs?: number;
  fieldErrors?: FieldError[];
  exceptionType?: string;
  reason?: RetryableReason;
  /** True when the request may have been applied although no success response arrived. */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/**
 * Every classified Acumatica failure; `type` says which. Branch on `type`, not on the class: the
 * per-type classes below exist only so code can construct and test one kind by name.
 */
export class AcumaticaError extends Error {
  readonly type: AcumaticaErrorType;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly fieldErrors: FieldError[];
  readonly exceptionType: string | undefined;
  readonly reason: RetryableReason | undefined;
  readonly outcomeUnknown: boolean;

  constructor(type: AcumaticaErrorType, message: string, init: AcumaticaErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.type = type;
    this.retryable = RETRYABLE_BY_TYPE[type];
    // `AcumaticaRejectedError` etc.: the name logs and failure messages have always shown.
    this.name = `${type}Error`;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.fieldErrors = init.fieldErrors ?? [];
    this.exceptionType = init.exceptionType;
    this.reason = init.reason;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** Serializable details for a Temporal `ApplicationFailure` (no bodies, no secrets). */
  details(): {
    status?: number;
    retryAfterMs?: number;
    fieldErrors: FieldError[];
    reason?: RetryableReason;
    outcomeUnknown: boolean;
  } {
    return {
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      fieldErrors: this.fieldErrors,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

/** A classified failure known to be of type `T`. */
type AcumaticaErrorOf<T extends AcumaticaErrorType> = AcumaticaError & { readonly type: T };

/** The class of one failure type: `new X(message, init)` and `instanceof X` for that type only. */
function errorClass<T extends AcumaticaErrorType>(type: T) {
  const cls = class extends AcumaticaError {
    declare readonly type: T;
    constructor(message: string, init?: AcumaticaErrorInit) {
      super(type, message, init);
    }
  };
  // Log serializers name an error by its constructor (pino's `type`): keep `AcumaticaRejectedError` etc.
  return Object.defineProperty(cls, 'name', { value: `${type}Error` });
}

export const AcumaticaRetryableError = errorClass('AcumaticaRetryable');
export const AcumaticaThrottledError = errorClass('AcumaticaThrottled');
export const AcumaticaRejectedError = errorClass('AcumaticaRejected');
export const AcumaticaAuthError = errorClass('AcumaticaAuth');
export const AcumaticaNotFoundError = errorClass('AcumaticaNotFound');
export const AcumaticaSeatLimitError = errorClass('AcumaticaSeatLimit');

/** True for any classified Acumatica failure (also across module copies, via `type`). */
export function isAcumaticaError(err: unknown): err is AcumaticaError {
  if (err instanceof AcumaticaError) return true;
  const type = err instanceof Error ? (err as Error & { type?: unknown }).type : undefined;
  return typeof type === 'string' && (ACUMATICA_ERROR_TYPES as readonly string[]).includes(type);
}

/** Default wait after a 429 without `Retry-After` (Acumatica documents none). */
export const DEFAULT_THROTTLE_DELAY_MS = 30_000;
/** Seats free when idle sessions time out (10 min cookie); a few minutes is the useful retry step. */
export const DEFAULT_SEAT_LIMIT_DELAY_MS = 5 * 60_000;

export type FailureOperation = 'request' | 'login' | 'token' | 'logout';

/** Where a failure happened; only the path (no query string) ends up in messages. */
export interface FailureContext {
  method: string;
  path: string;
  operation?: FailureOperation;
  /** Values scrubbed from every message (passwords, secrets, tokens). */
  secrets?: readonly string[];
  /** Clock for HTTP-date `Retry-After` values. */
  now?: () => number;
}

export interface FailedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface ParsedBody {
  /**
   * What a message may show: Acumatica's own error text when the body is Acumatica-shaped, otherwise a
   * fixed description. Never a foreign body (a proxy page, an internal service met by a wrong URL).
   */
  summary: string;
  /** Text the classification rules read (seat limit, throttling, refused login); never shown. */
  matchText: string;
  exceptionType: string | undefined;
  fieldErrors: FieldError[];
  /** OAuth error code (`invalid_grant`, …) when the body is an IdentityServer error. */
  oauthError: string | undefined;
}

const NOT_FOUND_EXCEPTION = /NoEntitySatisfiesTheCondition/i;
const CONFLICT = /Another process has (updated|added)/i;
const SEAT_LIMIT = /API Login Limit/i;
const LICENCE_THROTTLE =
  /too many requests|request limit|requests per minute|request (was )?declined|queue (is )?full/i;
const LOGIN_REFUSED =
  /invalid credentials|locked out|account is disabled|change your password|proper company ID|PXUndefinedCompanyException/i;
/** 500s that are business outcomes, not outages: retrying cannot help. */
const PERMANENT_500 =
  /raised at least one error|cannot be empty|cannot be found in the system|Optimization cannot be performed|required configuration data is not entered|PXSetupNotEnteredException|PXOuterException|cannot be released|has already been released/i;

/**
 * Classifies a non-success HTTP response. Never throws; always returns an error to throw.
 * Order matters: seat limit and conflicts are recognised by text before status-based rules,
 * because Acumatica reports them under several statuses.
 */
export function classifyResponse(res: FailedResponse, ctx: FailureContext): AcumaticaError {
  const status = res.status;
  const parsed = parseErrorBody(res.body, status);
  const operation = ctx.operation ?? 'request';
  const text = `${parsed.matchText} ${parsed.exceptionType ?? ''}`;
  const init = {
    status,
    fieldErrors: parsed.fieldErrors,
    ...(parsed.exceptionType === undefined ? {} : { exceptionType: parsed.exceptionType }),
  };
  const message = (detail: string) =>
    scrub(`Acumatica ${ctx.method} ${ctx.path} failed (HTTP ${status}): ${detail}`, ctx);
  const retryAfter = parseRetryAfter(res.headers['retry-after'], ctx.now ?? Date.now);

  if (SEAT_LIMIT.test(text) || (status === 429 && (operation === 'login' || operation === 'token'))) {
    return new AcumaticaSeatLimitError(
      message(`API Login Limit: every licensed API seat is in use. ${parsed.summary}`.trim()),
      { ...init, retryAfterMs: retryAfter ?? DEFAULT_SEAT_LIMIT_DELAY_MS },
    );
  }
  if (status === 429 || (status === 503 && retryAfter !== undefined) || LICENCE_THROTTLE.test(text)) {
    return new AcumaticaThrottledError(message(parsed.summary), {
      ...init,
      retryAfterMs: retryAfter ?? DEFAULT_THROTTLE_DELAY_MS,
    });
  }
  if (CONFLICT.test(text)) {
    return new AcumaticaRetryableError(message(parsed.summary), { ...init, reason: 'conflict' });
  }
  if (operation === 'token' && (status === 400 || status === 401) && parsed.oauthError !== undefined) {
    return new AcumaticaAuthError(message(parsed.summary), init);
  }
  if ((operation === 'login' || operation === 'token') && LOGIN_REFUSED.test(text)) {
    return new AcumaticaAuthError(message(parsed.summary), init);
  }
  if (status === 401 || status === 403) {
    return new AcumaticaAuthError(message(parsed.summary), init);
  }
  if (NOT_FOUND_EXCEPTION.test(text)) {
    return new AcumaticaNotFoundError(message(parsed.summary), init);
  }
  if (status === 408 || status >= 500) {
    if (status === 500 && PERMANENT_500.test(text))
      return new AcumaticaRejectedError(message(parsed.summary), init);
    return new AcumaticaRetryableError(message(parsed.summary), { ...init, reason: 'server' });
  }
  // 400/404/409/411/412/422 and every other 4xx: the request has to change before it can succeed.
  return new AcumaticaRejectedError(message(parsed.summary), init);
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
/** Failures before any byte was sent: the request certainly did not reach Acumatica. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);

/**
 * Classifies a transport failure (reset, refused, timeout, dropped connection) as retryable.
 * `outcomeUnknown` is set when a write may have been committed before the connection died
 * (the commit-then-drop case): callers of auto-numbered PUTs must reconcile before retrying.
 */
export function classifyNetworkError(
  err: unknown,
  ctx: FailureContext,
): AcumaticaErrorOf<'AcumaticaRetryable'> {
  const code = errorCode(err);
  const timeout = code !== undefined && TIMEOUT_CODES.has(code);
  const notSent = code !== undefined && NOT_SENT_CODES.has(code);
  const what = err instanceof Error ? err.message : String(err);
  return new AcumaticaRetryableError(
    scrub(
      `Acumatica ${ctx.method} ${ctx.path} failed: ${timeout ? 'timed out' : 'network error'} (${code ?? 'no code'}: ${what})`,
      ctx,
    ),
    { reason: timeout ? 'timeout' : 'network', outcomeUnknown: !notSent && ctx.method !== 'GET', cause: err },
  );
}

/** A success status whose body is not the JSON Acumatica promises: a proxy page or a cut stream. */
export function malformedResponse(
  status: number,
  body: string,
  ctx: FailureContext,
  cause: unknown,
): AcumaticaErrorOf<'AcumaticaRetryable'> {
  return new AcumaticaRetryableError(
    scrub(
      `Acumatica ${ctx.method} ${ctx.path} returned a malformed JSON body (HTTP ${status}, ${Buffer.byteLength(body)} bytes): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      ctx,
    ),
    { status, reason: 'malformed-response', outcomeUnknown: ctx.method !== 'GET', cause },
  );
}

/**
 * Parses `Retry-After` (delta seconds or HTTP-date) into milliseconds from now.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: () => number = Date.now,
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

/**
 * Extracts every field-level `error` of a 422 echo: top-level fields, linked entities
 * (`MainContact/Email`), detail rows (`Details[1]/InventoryID`, numbered by `rowNumber`) and
 * custom fields. The entity-level `error` summary is not included.
 */
export function extractFieldErrors(entity: unknown): FieldError[] {
  const out: FieldError[] = [];
  walkFieldErrors(entity, '', out);
  return out;
}

function walkFieldErrors(node: unknown, prefix: string, out: FieldError[]): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
    if (key === '_links' || key === 'error') continue;
    const path = prefix === '' ? key : `${prefix}/${key}`;
    if (Array.isArray(child)) {
      child.forEach((row, index) => {
        const rowNumber = isRecord(row) && typeof row.rowNumber === 'number' ? row.rowNumber : index + 1;
        const rowPath = `${path}[${rowNumber}]`;
        if (isRecord(row) && typeof row.error === 'string' && row.error !== '') {
          out.push({ path: rowPath, message: row.error });
        }
        walkFieldErrors(row, rowPath, out);
      });
    } else if (isRecord(child)) {
      // A wrapped field carries `error` next to `value`; a linked entity carries it as a summary.
      if (typeof child.error === 'string' && child.error !== '') out.push({ path, message: child.error });
      walkFieldErrors(child, path, out);
    }
  }
}

/** Formats field errors the way they appear in a record's note: `CustomerID: '…' cannot be found…`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

/** What a message says about a body that is not Acumatica's: its size, never its content. */
function foreignBody(body: string, status: number): string {
  return `${STATUS_CODES[status] ?? 'error'}; the answer is not from Acumatica's REST API (${Buffer.byteLength(body)} bytes, content not shown)`;
}

function parseErrorBody(body: string, status: number): ParsedBody {
  const empty = { exceptionType: undefined, fieldErrors: [], oauthError: undefined };
  const shown = (summary: string): ParsedBody => ({ ...empty, summary, matchText: summary });
  if (body.trim() === '') return shown(STATUS_CODES[status] ?? 'empty response body');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // IIS and proxies answer in HTML: classified by its text (a seat limit page), never echoed.
    return { ...empty, summary: foreignBody(body, status), matchText: plainText(body) };
  }
  if (!isRecord(json)) return shown(foreignBody(body, status));

  if (typeof json.error === 'string' && typeof json.message !== 'string' && !hasWrappedFields(json)) {
    // IdentityServer token endpoint: {"error":"invalid_grant","error_description":"…"}
    const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    return { ...shown(truncate(`${json.error}${description}`)), oauthError: json.error };
  }

  const fieldErrors = extractFieldErrors(json);
  if (typeof json.error === 'string' || fieldErrors.length > 0) {
    // 422: the entity echoed back with `error` on fields, rows and the entity itself.
    const head = typeof json.error === 'string' ? json.error : 'Validation failed.';
    const tail = formatFieldErrors(fieldErrors);
    return { ...shown(tail === '' ? head : `${head} ${tail}`), fieldErrors };
  }

  // HttpError: {message, exceptionMessage, exceptionType, innerException}
  const messages: string[] = [];
  let exceptionType: string | undefined;
  let node: unknown = json;
  for (let depth = 0; isRecord(node) && depth < 5; depth++) {
    const candidate =
      typeof node.exceptionMessage === 'string' && node.exceptionMessage !== ''
        ? node.exceptionMessage
        : typeof node.message === 'string'
          ? node.message
          : undefined;
    if (candidate !== undefined && !messages.includes(candidate)) messages.push(candidate);
    if (typeof node.messageDetail === 'string' && !messages.includes(node.messageDetail))
      messages.push(node.messageDetail);
    if (typeof node.exceptionType === 'string') exceptionType ??= node.exceptionType;
    node = node.innerException;
  }
  if (messages.length === 0) return shown(foreignBody(body, status));
  // The generic wrapper text says nothing when a specific message exists.
  const specific = messages.filter((m) => m !== 'An error has occurred.');
  return { ...shown(truncate((specific.length > 0 ? specific : messages).join(' '))), exceptionType };
}

function hasWrappedFields(obj: Record<string, unknown>): boolean {
  return Object.values(obj).some((v) => isRecord(v) && ('value' in v || 'error' in v));
}

function plainText(body: string): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(text);
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Removes configured secrets from a message (defence in depth: a server might echo them). */
function scrub(message: string, ctx: FailureContext): string {
  return maskSecrets(message, ctx.secrets ?? []);
}

/**
 * Every form a secret takes in text that echoes a request: plain, URL-encoded (upper- and lower-case
 * escapes), form-encoded (`+` for spaces) and JSON-escaped.
 */
export function secretForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const forms = new Set([
    secret,
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret (of 4 characters or more) in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of secretForms(secret)) out = out.split(form).join('***');
  }
  return out;
}

function errorCode(err: unknown): string | undefined {
  let node: unknown = err;
  for (let depth = 0; node !== undefined && node !== null && depth < 4; depth++) {
    const code = (node as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    node = (node as { cause?: unknown }).cause;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
