/**
 * What the console needs from the API, without a browser: the built page served at `/` with its
 * security headers (and a clear error when it was not built), `/me` telling the page who signed in, and
 * `/failed-records` listing failed records across entity types for Problems and the Overview.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildConsole, type ConsoleBuild } from '../../../console/build';
import { admin, bearer, createAccount, setupApi, type ApiTestEnv } from '../api/helpers';

let built: ConsoleBuild;
let env: ApiTestEnv;
let unbuilt: ApiTestEnv;
const emptyDir = mkdtempSync(join(tmpdir(), 'fsac-console-none-'));

before(async () => {
  built = await buildConsole(mkdtempSync(join(tmpdir(), 'fsac-console-')));
  env = await setupApi({}, { consoleDir: built.dir });
  unbuilt = await setupApi({}, { consoleDir: emptyDir });
});
after(async () => {
  await env?.close();
  await unbuilt?.close();
  rmSync(built.dir, { recursive: true, force: true });
  rmSync(emptyDir, { recursive: true, force: true });
});

describe('the console page', () => {
  it('is served at / without a key, with a policy that allows only its own scripts and origin', async () => {
    const page = await env.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    const csp = page.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const script = /src="\/console\/(app-[0-9a-f]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script && built.files.includes(script), page.body);

    const asset = await env.app.inject({ method: 'GET', url: `/console/${script}` });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] as string, /^text\/javascript/);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.equal(asset.rawPayload.length > 1000, true);
  });

  it('keeps the bundle under 200 KB of gzipped JavaScript', () => {
    assert.ok(built.scriptGzipBytes < 200 * 1024, `${built.scriptGzipBytes} bytes gzipped`);
  });

  it('serves only the files of its build', async () => {
    for (const url of ['/console/nope.js', '/console/..%2Fpackage.json', '/console/manifest.json']) {
      const res = await env.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'not_found', url);
    }
    // The JSON API keeps its own headers: the page's policy is not sent with data.
    const health = await env.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.headers['content-security-policy'], undefined);
  });

  it('answers 503 naming the build command when the console was not built', async () => {
    const res = await unbuilt.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error.code, 'console_not_built');
    assert.match(res.json().error.message, /npm run console:build/);
  });
});

describe('/me', () => {
  it('names the account of an account key, the admin for the admin key, and refuses no key', async () => {
    const { id, apiKey } = await createAccount(env.app);
    const mine = await env.app.inject({ method: 'GET', url: '/me', headers: bearer(apiKey) });
    assert.equal(mine.statusCode, 200, mine.body);
    assert.equal(mine.json().kind, 'account');
    assert.equal(mine.json().account.id, id);
    assert.equal(mine.json().account.connection.hasRestPassword, true);
    assert.ok(!mine.body.includes('restPassword"'), 'no secret in the answer');
    const adminMe = await env.app.inject({ method: 'GET', url: '/me', headers: admin });
    assert.deepEqual(adminMe.json(), { kind: 'admin' });
    const none = await env.app.inject({ method: 'GET', url: '/me' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
  });
});

describe('/failed-records', () => {
  it('lists failed records of every type, newest failure first, with counts per type', async () => {
    const { id, apiKey } = await createAccount(env.app);
    const { id: otherId, apiKey: otherKey } = await createAccount(env.app);
    const records = env.store.records;
    const customer = await records.customers.create(id, { name: 'Failing customer' });
    const product = await records.products.create(id, {
      sku: 'FAIL-1',
      description: 'Pump',
      price: 1,
    });
    await records.products.create(id, { sku: 'OK-1', description: 'Valve', price: 1 });
    await records.customers.create(otherId, { name: 'Other account' });
    await records.customers.markFailed(id, customer._id, {
      message: 'first failure',
      code: 'X',
      runId: 'r1',
    });
    await records.products.markFailed(id, product._id, { message: 'second failure', code: 'X', runId: 'r2' });

    const res = await env.app.inject({
      method: 'GET',
      url: `/accounts/${id}/failed-records`,
      headers: bearer(apiKey),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{
      items: { id: string; entityType: string; sync: { lastError: { message: string } } }[];
      total: number;
      counts: Record<string, number>;
    }>();
    assert.deepEqual(
      body.items.map((r) => [r.entityType, r.id, r.sync.lastError.message]),
      [
        ['products', product._id, 'second failure'],
        ['customers', customer._id, 'first failure'],
      ],
    );
    assert.equal(body.total, 2);
    assert.deepEqual(body.counts, { customers: 1, products: 1 });

    const limited = await env.app.inject({
      method: 'GET',
      url: `/accounts/${id}/failed-records?limit=1`,
      headers: bearer(apiKey),
    });
    assert.equal(limited.json().items.length, 1);
    assert.equal(limited.json().total, 2, 'the total counts every failed record, not just the page');

    const other = await env.app.inject({
      method: 'GET',
      url: `/accounts/${otherId}/failed-records`,
      headers: bearer(otherKey),
    });
    assert.deepEqual(other.json(), { items: [], total: 0, counts: {} });
    const foreign = await env.app.inject({
      method: 'GET',
      url: `/accounts/${id}/failed-records`,
      headers: bearer(otherKey),
    });
    assert.equal(foreign.statusCode, 404);
    const bad = await env.app.inject({
      method: 'GET',
      url: `/accounts/${id}/failed-records?limit=0`,
      headers: bearer(apiKey),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'validation_failed');
    assert.match(bad.json().error.message, /at least 1/);
  });
});
