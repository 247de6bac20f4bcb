/**
 * One place that turns every Acumatica failure (HTTP status + body, network error, malformed response)
 * into a typed AcumaticaError (errors.ts). Order of the rules matters; see classifyResponse.
 */
import { parseErrorBody } from './error-bodies';
import {
  AcumaticaAuthError,
  AcumaticaNotFoundError,
  AcumaticaRejectedError,
  AcumaticaRetryableError,
  AcumaticaSeatLimitError,
  AcumaticaThrottledError,
  type AcumaticaError,
  type AcumaticaErrorOf,
} from './errors';
import { maskSecrets } from './secret-masking';

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

/** Removes configured secrets from a message (defence in depth: a server might echo them). */
function scrub(message: string, ctx: FailureContext): string {
  return maskSecrets(message, ctx.secrets ?? []);
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
