import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../../runtime/config';

const root = join(__dirname, '..', '..', '..');

test('.env.example lists exactly the keys of the config schema, and its values validate', () => {
  const entries = readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('=', 2) as [string, string]);
  assert.deepEqual(entries.map(([k]) => k).sort(), [...CONFIG_KEYS].sort());
  assert.doesNotThrow(() => loadConfig(Object.fromEntries(entries)));
});

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: unknown;
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
}

test('docker-compose.yml parses, wires every service, and its connector variables match the config schema', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  for (const name of ['temporal', 'temporal-ui', 'postgresql', 'mongodb', 'worker', 'api']) {
    assert.ok(services[name], `service ${name} is defined`);
  }
  for (const [name, service] of Object.entries(services)) {
    assert.ok(service.image ?? service.build, `${name} has an image or a build`);
    const deps = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {});
    for (const dep of deps) assert.ok(services[dep], `${name} depends on a defined service (${dep})`);
  }
  // Temporal's frontend and UI have no authentication here, and the worker's metrics are internal:
  // published on the host's loopback only.
  for (const name of ['temporal', 'temporal-ui', 'worker']) {
    for (const port of services[name]!.ports ?? []) {
      assert.ok(String(port).startsWith('127.0.0.1:'), `${name} publishes ${port} on loopback only`);
    }
  }
  for (const name of ['worker', 'api']) {
    const env = services[name]!.environment ?? {};
    const keys = Object.keys(env);
    for (const key of keys)
      assert.ok((CONFIG_KEYS as string[]).includes(key), `${name}: ${key} is a config key`);
    for (const required of ['TEMPORAL_ADDRESS', 'MONGODB_URL', 'MASTER_KEY', 'ADMIN_API_KEY', 'NODE_ENV']) {
      assert.ok(keys.includes(required), `${name} sets ${required}`);
    }
    // With the operator's secrets filled in, the service environment is a valid production config.
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        String(v).replace(/\$\{([A-Z_]+)(:-([^}]*))?[^}]*\}/, (_m, key: string, _d, dflt?: string) =>
          key === 'MASTER_KEY'
            ? randomBytes(32).toString('base64')
            : key === 'ADMIN_API_KEY'
              ? randomBytes(24).toString('hex')
              : (dflt ?? ''),
        ),
      ]),
    );
    const config = loadConfig(resolved);
    assert.equal(config.NODE_ENV, 'production');
  }
});
