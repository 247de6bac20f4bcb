import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { checkSchema, runPostman } from '../../../emulator/fidelity';

const REFERENCE = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'acumatica');

test('every emulated field exists with its type in each enabled version of the schema', () => {
  const r = checkSchema(REFERENCE);
  assert.ok(r.checked > 1000, `checked ${r.checked}`);
  assert.deepEqual(r.mismatches, []);
});

test('Postman sign-in/sign-out requests meet the collection expectations; nothing run fails', async () => {
  const r = await runPostman(REFERENCE);
  assert.ok(r.run >= 2);
  assert.deepEqual(r.failed, []);
  assert.equal(r.passed, r.run);
});
