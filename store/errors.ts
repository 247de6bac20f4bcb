/**
 * Store errors with stable `code`s the API maps to 4xx responses.
 */

/** A unique key is already taken (e.g. an externalRef in the same account). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code = 'conflict';
}

/** The operation is not allowed for this entity type (e.g. marking a pull-only type for export). */
export class UnsupportedOperationError extends Error {
  override readonly name = 'UnsupportedOperationError';
  readonly code = 'unsupported_operation';
}

/** Concurrent writers kept changing the record; the caller may retry. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
  readonly code = 'concurrent_update';
}

/** The record is not at the revision the caller expected (HTTP `If-Match`): read it again. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  readonly code = 'precondition_failed';
}

/** True for MongoDB's duplicate-key error (E11000), which FerretDB reports the same way. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
