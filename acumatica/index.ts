/** Public surface of the Acumatica REST client (mappers live in `./mappers`). */
export { AcumaticaClient } from './client';
export type * from './client-types';
export type { EndpointInfo, EndpointList, VersionCheck } from './endpoints';
export type { AuthSettings, CookieSettings, OAuthSettings } from './auth';
export {
  ACUMATICA_ERROR_TYPES,
  AcumaticaAuthError,
  AcumaticaError,
  AcumaticaNotFoundError,
  AcumaticaRejectedError,
  AcumaticaRetryableError,
  AcumaticaSeatLimitError,
  AcumaticaThrottledError,
  NON_RETRYABLE_ACUMATICA_ERROR_TYPES,
  isAcumaticaError,
  type AcumaticaErrorType,
  type FieldError,
  type RetryableReason,
} from './errors';
export { formatFieldErrors } from './error-bodies';
export { maskSecrets } from './secret-masking';
export {
  buildQuery,
  datetimeOffset,
  decimal,
  filter,
  guid,
  quote,
  type Filter,
  type QueryOptions,
} from './filter';
export { LimiterRegistry, RequestLimiter, systemClock, type Clock, type LimiterSettings } from './limiter';
export type { PoolOptions } from './http';
export {
  unwrap,
  unwrapBoolean,
  unwrapDate,
  unwrapNumber,
  unwrapString,
  wrap,
  wrapFields,
  type AcumaticaRecord,
  type WrappedValue,
} from './values';
