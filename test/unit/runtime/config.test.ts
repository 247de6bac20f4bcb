import { randomBytes } from 'node:crypto';
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

test('production refuses development and weak secrets by value', () => {
  const strongMaster = randomBytes(32).toString('base64');
  const strongAdmin = randomBytes(24).toString('hex');
  const refused = (env: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () =>
        loadConfig({ NODE_ENV: 'production', MASTER_KEY: strongMaster, ADMIN_API_KEY: strongAdmin, ...env }),
      pattern,
      JSON.stringify(env),
    );
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /MASTER_KEY: the development key is refused/);
  // The development master key however it is spelled: without padding, or in URL-safe base64.
  refused({ MASTER_KEY: DEV_MASTER_KEY.replace(/=+$/, '') }, /MASTER_KEY: the development key is refused/);
  refused(
    { MASTER_KEY: Buffer.from(DEV_MASTER_KEY, 'base64').toString('base64url') },
    /MASTER_KEY: the development key is refused/,
  );
  refused({ MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }, /MASTER_KEY: too few distinct bytes/);
  refused({ ADMIN_API_KEY: 'DEV-ADMIN-KEY-but-longer-0123456789' }, /ADMIN_API_KEY: the development key/);
  refused({ ADMIN_API_KEY: 'aaaaaaaaaaaa' }, /ADMIN_API_KEY: too weak/);
  refused({ ADMIN_API_KEY: 'a'.repeat(64) }, /ADMIN_API_KEY: too weak/);
  refused({ ADMIN_API_KEY: 'a-production-admin-key' }, /ADMIN_API_KEY: too weak/);

  const config = loadConfig({ NODE_ENV: 'production', MASTER_KEY: strongMaster, ADMIN_API_KEY: strongAdmin });
  assert.equal(config.NODE_ENV, 'production');
  // Development keeps accepting the embedded keys.
  assert.equal(loadConfig({ ADMIN_API_KEY: 'aaaaaaaaaaaa' }).ADMIN_API_KEY, 'aaaaaaaaaaaa');
});

test('unknown environment keys are ignored and empty values fall back to defaults', () => {
  const config = loadConfig({ PATH: '/usr/bin', API_PORT: '' });
  assert.equal(config.API_PORT, 3000);
});
