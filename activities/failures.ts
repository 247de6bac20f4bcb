/**
 * Turns errors met inside activities into Temporal `ApplicationFailure`s whose `type` strings
 * (`FAILURE_TYPES` of core/runs.ts) drive retry policies and workflow branching. Messages carry no
 * secrets and no record bodies: they land in workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isAcumaticaError, type AcumaticaError } from '../acumatica';
import { OutboundPolicyError } from '../runtime/outbound';
import { FAILURE_TYPES } from '../core/runs';
import { AccountConfigError, AccountMissingError } from './client-registry';

/**
 * Maps an Acumatica, account or unknown error to the failure an activity throws:
 * - throttling / seat limit → retryable, `nextRetryDelay` from the server's delay, category BENIGN;
 * - network, 5xx, conflicts → retryable `AcumaticaRetryable`;
 * - auth → non-retryable `AcumaticaAuth`; rejected / not found → non-retryable `AcumaticaRejected`;
 * - a broken or missing account, or a URL the outbound policy refuses → non-retryable
 *   `AccountConfigError` / `AccountNotFound`;
 * - a programming error (`TypeError`, `ReferenceError`) → non-retryable `InternalError`;
 * - anything else (MongoDB down, a bug) is returned unchanged and retried with the default policy.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (isProgrammingError(err)) {
    // A retry runs the same code on the same data: fail now, with the stack in the cause, for Temporal's UI.
    return ApplicationFailure.create({
      type: FAILURE_TYPES.internal,
      message: `${err.name}: ${err.message}`,
      nonRetryable: true,
      cause: err,
    });
  }
  if (err instanceof AccountMissingError) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.accountNotFound,
      message: err.message,
      nonRetryable: true,
    });
  }
  if (err instanceof AccountConfigError || err instanceof OutboundPolicyError) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.config,
      message: err.message,
      nonRetryable: true,
    });
  }
  if (!isAcumaticaError(err)) return err;
  return acumaticaFailure(err);
}

function acumaticaFailure(err: AcumaticaError): ApplicationFailure {
  const details = [err.details()];
  switch (err.type) {
    case 'AcumaticaThrottled':
    case 'AcumaticaSeatLimit':
      return ApplicationFailure.create({
        type: err.type === 'AcumaticaThrottled' ? FAILURE_TYPES.throttled : FAILURE_TYPES.seatLimit,
        message: err.message,
        details,
        // Expected under load: the licence says "wait", nothing is broken.
        category: 'BENIGN',
        ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(err.retryAfterMs, 1) } : {}),
      });
    case 'AcumaticaRetryable':
      return ApplicationFailure.create({ type: FAILURE_TYPES.retryable, message: err.message, details });
    case 'AcumaticaAuth':
      return ApplicationFailure.create({
        type: FAILURE_TYPES.auth,
        message: err.message,
        details,
        nonRetryable: true,
      });
    case 'AcumaticaRejected':
    case 'AcumaticaNotFound':
      return ApplicationFailure.create({
        type: FAILURE_TYPES.rejected,
        message: err.message,
        details,
        nonRetryable: true,
      });
  }
}

/**
 * Errors that mean our own code is wrong, whatever the data: they fail the activity (and show in Temporal)
 * instead of becoming a record's note.
 */
export function isProgrammingError(err: unknown): err is TypeError | ReferenceError {
  return err instanceof TypeError || err instanceof ReferenceError;
}

/** Errors that end one record (it becomes `failed` with a note) rather than the page. */
export function isRecordRejection(err: unknown): err is AcumaticaError {
  return isAcumaticaError(err) && (err.type === 'AcumaticaRejected' || err.type === 'AcumaticaNotFound');
}

/** A short, history-safe description of any error. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
