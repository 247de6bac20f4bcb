/**
 * The typed Acumatica failure: `AcumaticaError` and its `type` string, which drives Temporal retry
 * policies and workflow branching. classify.ts turns every failure (HTTP status + body, network error,
 * malformed response) into one; callers never inspect status codes themselves.
 */

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
export type AcumaticaErrorOf<T extends AcumaticaErrorType> = AcumaticaError & { readonly type: T };

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
