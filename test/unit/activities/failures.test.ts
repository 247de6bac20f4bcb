import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  AcumaticaAuthError,
  AcumaticaNotFoundError,
  AcumaticaRejectedError,
  AcumaticaRetryableError,
  AcumaticaSeatLimitError,
  AcumaticaThrottledError,
} from '../../../acumatica';
import { AccountConfigError, AccountMissingError } from '../../../activities/client-registry';
import { isRecordRejection, toActivityFailure } from '../../../activities/failures';
import { FAILURE_TYPES } from '../../../core/runs';

function failure(err: unknown): ApplicationFailure {
  const out = toActivityFailure(err);
  assert.ok(out instanceof ApplicationFailure, 'an ApplicationFailure');
  return out;
}

describe('toActivityFailure', () => {
  test('throttling retries after the server delay, as a benign failure', () => {
    const f = failure(new AcumaticaThrottledError('slow down', { status: 429, retryAfterMs: 7_000 }));
    assert.equal(f.type, FAILURE_TYPES.throttled);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.nextRetryDelay, 7_000);
    assert.equal(f.category, 'BENIGN');
  });

  test('the API login limit retries after minutes', () => {
    const f = failure(new AcumaticaSeatLimitError('API Login Limit', { retryAfterMs: 300_000 }));
    assert.equal(f.type, FAILURE_TYPES.seatLimit);
    assert.equal(f.nextRetryDelay, 300_000);
    assert.equal(f.nonRetryable, false);
  });

  test('network and server errors are retryable with the default backoff', () => {
    const f = failure(
      new AcumaticaRetryableError('socket closed', { reason: 'network', outcomeUnknown: true }),
    );
    assert.equal(f.type, FAILURE_TYPES.retryable);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.nextRetryDelay, undefined);
  });

  test('auth, rejections and missing records are not retried', () => {
    assert.deepEqual(
      [
        new AcumaticaAuthError('no'),
        new AcumaticaRejectedError('bad'),
        new AcumaticaNotFoundError('gone'),
      ].map((e) => {
        const f = failure(e);
        return [f.type, f.nonRetryable];
      }),
      [
        [FAILURE_TYPES.auth, true],
        [FAILURE_TYPES.rejected, true],
        [FAILURE_TYPES.rejected, true],
      ],
    );
  });

  test('account problems are not retried', () => {
    assert.equal(failure(new AccountConfigError('no connection')).type, FAILURE_TYPES.config);
    assert.equal(failure(new AccountConfigError('no connection')).nonRetryable, true);
    assert.equal(failure(new AccountMissingError('gone')).type, FAILURE_TYPES.accountNotFound);
  });

  test('field errors travel as details, not the request body', () => {
    const err = new AcumaticaRejectedError('422', {
      status: 422,
      fieldErrors: [{ path: 'CustomerID', message: "'Customer' cannot be found in the system." }],
    });
    const f = failure(err);
    assert.deepEqual((f.details?.[0] as { fieldErrors: unknown }).fieldErrors, err.fieldErrors);
  });

  test('a programming error fails the activity for good, with the original error as its cause', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'value')");
    const f = failure(bug);
    assert.equal(f.type, FAILURE_TYPES.internal);
    assert.equal(f.nonRetryable, true);
    assert.equal(f.message, "TypeError: Cannot read properties of undefined (reading 'value')");
    assert.equal(f.cause, bug);
    assert.equal(failure(new ReferenceError('x is not defined')).type, FAILURE_TYPES.internal);
  });

  test('other errors pass through unchanged (retried by the default policy)', () => {
    const err = new Error('mongo down');
    assert.equal(toActivityFailure(err), err);
  });

  test('only rejections end a record; everything else ends the page', () => {
    assert.equal(isRecordRejection(new AcumaticaRejectedError('422')), true);
    assert.equal(isRecordRejection(new AcumaticaNotFoundError('gone')), true);
    assert.equal(isRecordRejection(new AcumaticaRetryableError('net')), false);
    assert.equal(isRecordRejection(new AcumaticaAuthError('no')), false);
    assert.equal(isRecordRejection(new Error('x')), false);
  });
});
