import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiError, toErrorResponse } from '../../../api/errors';
import { ValidationError } from '../../../core/validation';
import { ConflictError, UnsupportedOperationError } from '../../../store/errors';

it('maps domain errors to 4xx with snake_case codes and field lists', () => {
  const v = toErrorResponse(
    new ValidationError([
      { field: 'executionDelayMinutes', message: 'executionDelayMinutes must be at least 15' },
    ]),
    'r1',
  );
  assert.equal(v.status, 400);
  assert.equal(v.body.error.code, 'validation_failed');
  assert.equal(v.body.error.message, 'executionDelayMinutes must be at least 15');
  assert.deepEqual(v.body.error.details, {
    issues: [
      { field: 'executionDelayMinutes', message: 'executionDelayMinutes must be at least 15', in: 'body' },
    ],
  });
  assert.equal(toErrorResponse(new ConflictError('taken'), 'r').status, 409);
  assert.equal(
    toErrorResponse(new UnsupportedOperationError('pull-only'), 'r').body.error.code,
    'unsupported_operation',
  );
  assert.deepEqual(toErrorResponse(new ApiError(404, 'not_found', 'account not found'), 'r'), {
    status: 404,
    body: { error: { code: 'not_found', message: 'account not found' } },
  });
});

it('maps framework client errors and hides everything about unexpected ones', () => {
  const tooLarge = Object.assign(new Error('Request body is too large'), {
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    statusCode: 413,
  });
  assert.deepEqual(toErrorResponse(tooLarge, 'r').body.error.code, 'payload_too_large');
  const internal = toErrorResponse(new Error('connection string mongodb://user:pw@host failed'), 'req-42');
  assert.equal(internal.status, 500);
  assert.equal(internal.body.error.code, 'internal');
  assert.ok(!JSON.stringify(internal.body).includes('mongodb://'));
  assert.match(internal.body.error.message, /req-42/);
});
