/** The options and results of AcumaticaClient's methods, and the connection it is built for. */
import type { AuthSettings } from './auth';
import type { QueryOptions } from './filter';
import type { PoolOptions } from './http';
import type { RequestLimiter } from './limiter';
import type { AcumaticaRecord } from './values';
import type { Logger } from 'pino';

export interface ConnectionSettings {
  /** Instance URL including any virtual directory, e.g. `https://erp.example.com/AcumaticaERP`. */
  baseUrl: string;
  /** Tenant login name. Always sent: an omitted tenant can silently land on another company. */
  tenant: string;
  /** Endpoint name, `Default` for the system endpoint. */
  endpointName: string;
  /** Endpoint version, e.g. `24.200.001`. */
  restVersion: string;
  auth: AuthSettings;
}

export interface ClientOptions {
  logger: Logger;
  /** Shared licence limiter (see LimiterRegistry); omitted means unpaced. */
  limiter?: RequestLimiter;
  /** Per-request wait for headers and body (default 10 min: Acumatica delays, not rejects). */
  timeoutMs?: number;
  pool?: PoolOptions;
  /**
   * When the limiter would hold a request back longer than this (after a back-off), fail it at once as
   * `AcumaticaThrottled` with the wait as its retry delay instead of sleeping: the caller (an activity)
   * gives its worker slot back and is retried when the budget allows. Unset: always wait.
   */
  maxPacingWaitMs?: number;
  /** Refresh OAuth tokens this long before expiry (default 60 s). */
  tokenRefreshSkewMs?: number;
  /** Clock for token expiry and Retry-After dates (tests). */
  now?: () => number;
}

/** Abort support shared by every method: activities pass their cancellation signal. */
export interface CallOptions {
  signal?: AbortSignal;
}

export type GetOptions = CallOptions & Pick<QueryOptions, 'select' | 'expand' | 'custom'>;
export type ListOptions = CallOptions & QueryOptions;
export type ListPagesOptions = CallOptions & Omit<QueryOptions, 'top'> & { pageSize?: number };

export interface PutOptions
  extends CallOptions, Pick<QueryOptions, 'select' | 'expand' | 'custom' | 'filter'> {
  /** Insert only: Acumatica answers 412 (→ AcumaticaRejected) if the record exists. */
  ifNoneMatch?: boolean;
  /** Update only: Acumatica answers 412 (→ AcumaticaRejected) if the record does not exist. */
  ifMatch?: boolean;
  /** `PX-CbApiBusinessDate` for this request. */
  businessDate?: string;
  /** `PX-CbApiBranch` for this request. */
  branch?: string;
}

export interface ActionPayload {
  /** The record to act on: key fields or `{ id }`. */
  entity?: AcumaticaRecord;
  /** Wrapped action parameters. */
  parameters?: Record<string, unknown>;
}

export interface ActionOptions extends CallOptions {
  /** First wait between status polls (default 1 s); grows by half each poll. */
  pollIntervalMs?: number;
  /** Longest wait between polls (default 15 s). */
  maxPollIntervalMs?: number;
  /** Give up polling after this long (default 10 min). */
  deadlineMs?: number;
}

export interface ActionResult {
  /** `Location` of the finished action (a 204 may point at the updated record). */
  location: string | undefined;
  /** Status polls made (0 when the action finished synchronously). */
  polls: number;
}

export interface Page {
  records: AcumaticaRecord[];
  /** `$skip` of this page: resume a paging loop from `skip + records.length`. */
  skip: number;
}
