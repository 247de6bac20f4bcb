import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEV_MASTER_KEY, loadConfig } from '../../../runtime/config';

test('defaults make a complete development config', () => {
  const config = loadConfig({});
  assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(config.API_PORT, 3000);
  assert.equal(Buffer.from(config.MASTER_KEY, 'base64').length, 32);
  assert.ok(Object.isFrozen(config));
});

test('every bad key is named in one error', () => {
  assert.throws(
    () => loadConfig({ API_PORT: 'abc', MASTER_KEY: 'c2hvcnQ=', LOG_LEVEL: 'loud' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const text = err.problems.join('\n');
      assert.match(text, /API_PORT/);
      assert.match(text, /MASTER_KEY: must be 32 bytes/);
      assert.match(text, /LOG_LEVEL/);
      return true;
    },
  );
});

test('production refuses the embedded development secrets', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /MASTER_KEY: the development key is refused/);
  const key = Buffer.alloc(32, 7).toString('base64');
  assert.notEqual(key, DEV_MASTER_KEY);
  const config = loadConfig({
    NODE_ENV: 'production',
    MASTER_KEY: key,
    ADMIN_API_KEY: 'a-long-production-key',
  });
  assert.equal(config.NODE_ENV, 'production');
});

test('unknown environment keys are ignored and empty values fall back to defaults', () => {
  const config = loadConfig({ PATH: '/usr/bin', API_PORT: '' });
  assert.equal(config.API_PORT, 3000);
});
