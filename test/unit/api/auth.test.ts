import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bearerToken, isAdminKey } from '../../../api/auth';

it('reads a bearer token only from a well-formed header', () => {
  assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
  assert.equal(bearerToken('bearer   abc'), 'abc');
  assert.equal(bearerToken(undefined), null);
  assert.equal(bearerToken('Basic abc'), null);
  assert.equal(bearerToken('Bearer a b'), null);
  assert.equal(bearerToken(`Bearer ${'x'.repeat(600)}`), null);
});

it('compares the admin key exactly', () => {
  assert.equal(isAdminKey('admin-key-123456', 'admin-key-123456'), true);
  assert.equal(isAdminKey('admin-key-12345', 'admin-key-123456'), false);
  assert.equal(isAdminKey('', 'admin-key-123456'), false);
});
