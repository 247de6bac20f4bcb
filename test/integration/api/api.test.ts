/**
 * The API against real MongoDB (FerretDB) and Temporal: accounts, keys and isolation, settings and the
 * schedule, records and export, notifications, the error contract, docs and metrics. Sync runs are in
 * syncs.test.ts (they need the worker and the emulator).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { ENTITY_TYPES } from '../../../core/entities';
import { accountBody, admin, bearer, createAccount, setupApi, type ApiTestEnv } from './helpers';
import { sampleSummary } from '../../helpers/summaries';

let env: ApiTestEnv;
before(async () => {
  env = await setupApi();
});
after(async () => {
  await env?.close();
});

const inject = (opts: InjectOptions) => env.app.inject(opts);

describe('health', () => {
  it('answers /health and /ready without a key; /ready wants a worker', async () => {
    assert.equal((await inject({ method: 'GET', url: '/health' })).statusCode, 200);
    // No worker polls this file's task queues: the stores answer, but the connector is not ready.
    const ready = await inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 503, ready.body);
    assert.deepEqual(ready.json().checks, {
      mongodb: { ok: true },
      temporal: { ok: true },
      worker: { ok: false, detail: `no worker polls the task queue ${env.config.TEMPORAL_TASK_QUEUE}` },
    });
  });

  it('serves the OpenAPI document with every route and its schemas', async () => {
    const res = await inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    for (const path of ['/accounts', '/accounts/{id}/settings', '/accounts/{id}/syncs/{runId}/history']) {
      assert.ok(doc.paths[path], `missing ${path}`);
    }
    for (const type of ENTITY_TYPES) {
      assert.ok(
        doc.paths[`/accounts/{id}/records/${type}`]?.post?.requestBody,
        `missing create body of ${type}`,
      );
    }
  });
});

describe('authentication', () => {
  it('refuses every endpoint but /health and /ready without a key', async () => {
    for (const url of [
      '/accounts',
      '/metrics',
      '/accounts/acc_aaaaaaaaaaaa',
      '/accounts/acc_aaaaaaaaaaaa/records/customers',
      '/nowhere',
    ]) {
      const res = await inject({ method: 'GET', url });
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json().error.code, 'unauthorized');
    }
    const wrong = await inject({ method: 'GET', url: '/accounts', headers: bearer('fsk_not-a-key') });
    assert.equal(wrong.statusCode, 401);
  });

  it('keeps accounts apart: another account key gets 404, its own key works, admin-only routes refuse it', async () => {
    const a = await createAccount(env.app);
    const b = await createAccount(env.app);
    const created = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/records/customers`,
      headers: bearer(a.apiKey),
      payload: { name: 'Only A' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const recordId = created.json<{ id: string }>().id;

    assert.equal(
      (await inject({ method: 'GET', url: `/accounts/${a.id}`, headers: bearer(a.apiKey) })).statusCode,
      200,
    );
    for (const url of [
      `/accounts/${a.id}`,
      `/accounts/${a.id}/records/customers`,
      `/accounts/${a.id}/records/customers/${recordId}`,
    ]) {
      const res = await inject({ method: 'GET', url, headers: bearer(b.apiKey) });
      assert.equal(res.statusCode, 404, url);
    }
    const patch = await inject({
      method: 'PATCH',
      url: `/accounts/${a.id}/records/customers/${recordId}`,
      headers: bearer(b.apiKey),
      payload: { name: 'Stolen' },
    });
    assert.equal(patch.statusCode, 404);
    // B's own collection does not see A's record even with B's key on B's path.
    const bRecord = await inject({
      method: 'GET',
      url: `/accounts/${b.id}/records/customers/${recordId}`,
      headers: bearer(b.apiKey),
    });
    assert.equal(bRecord.statusCode, 404);
    const stillA = await inject({
      method: 'GET',
      url: `/accounts/${a.id}/records/customers/${recordId}`,
      headers: admin,
    });
    assert.equal(stillA.json().name, 'Only A');

    assert.equal(
      (await inject({ method: 'GET', url: '/accounts', headers: bearer(a.apiKey) })).statusCode,
      403,
    );
    assert.equal(
      (await inject({ method: 'DELETE', url: `/accounts/${a.id}`, headers: bearer(a.apiKey) })).statusCode,
      403,
    );
    assert.equal(
      (await inject({ method: 'GET', url: '/metrics', headers: bearer(a.apiKey) })).statusCode,
      403,
    );
  });
});

describe('accounts', () => {
  it('creates an account with its schedule, shows the key once and never the secrets', async () => {
    const body = accountBody('http://127.0.0.1:1', {});
    const res = await inject({ method: 'POST', url: '/accounts', headers: admin, payload: body });
    assert.equal(res.statusCode, 201, res.body);
    const { account, apiKey } = res.json<{
      account: { id: string; connection: Record<string, unknown> };
      apiKey: string;
    }>();
    assert.match(apiKey, /^fsk_/);
    assert.equal(account.connection.hasRestPassword, true);
    assert.equal(account.connection.hasClientSecret, true);
    assert.ok(!res.body.includes('emulator-secret'));

    const read = await inject({ method: 'GET', url: `/accounts/${account.id}`, headers: admin });
    assert.ok(!read.body.includes('emulator-secret') && !read.body.includes('"restPassword"'));
    assert.ok(!read.body.includes(apiKey), 'the key is shown only on creation');
    const list = await inject({ method: 'GET', url: '/accounts?limit=500', headers: admin });
    assert.ok(!list.body.includes(apiKey) && !list.body.includes('emulator-secret'));

    const schedule = await inject({ method: 'GET', url: `/accounts/${account.id}/schedule`, headers: admin });
    assert.equal(schedule.statusCode, 200, schedule.body);
    assert.equal(schedule.json().intervalMinutes, 15);
    assert.equal(schedule.json().paused, false);
    assert.ok(schedule.json().nextRunTimes.length > 0);
  });

  it('rejects a bad account body naming every bad field', async () => {
    const res = await inject({
      method: 'POST',
      url: '/accounts',
      headers: admin,
      payload: {
        name: '',
        connection: {
          url: 'ftp://x',
          tenant: 'Company',
          authMode: 'oauth',
          restUsername: 'u',
          restPassword: 'p',
        },
        settings: { executionDelayMinutes: 10 },
      },
    });
    assert.equal(res.statusCode, 400);
    const fields = res.json().error.details.issues.map((i: { field: string }) => i.field);
    assert.ok(fields.includes('name'), fields.join());
    assert.ok(fields.includes('connection.url'), fields.join());
    assert.ok(fields.includes('settings.executionDelayMinutes'), fields.join());
    assert.match(res.json().error.message, /settings\.executionDelayMinutes must be at least 15/);

    const crossField = await inject({
      method: 'POST',
      url: '/accounts',
      headers: admin,
      payload: accountBody('http://127.0.0.1:1', {
        connection: {
          url: 'http://x',
          tenant: 'Company',
          authMode: 'oauth',
          restUsername: 'u',
          restPassword: 'p',
        },
      }),
    });
    assert.equal(crossField.statusCode, 400);
    assert.match(crossField.json().error.message, /connection\.clientId is required when authMode is oauth/);
  });

  it('patches name and connection with write-only secrets, and deletes the account with its schedule and data', async () => {
    const a = await createAccount(env.app);
    const patched = await inject({
      method: 'PATCH',
      url: `/accounts/${a.id}`,
      headers: bearer(a.apiKey),
      payload: { name: 'Renamed', connection: { restPassword: 'n3w-Pa55word!', branch: 'HQ' } },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'Renamed');
    assert.equal(patched.json().connection.branch, 'HQ');
    assert.ok(!patched.body.includes('n3w-Pa55word!'));
    assert.ok(!env.logs().includes('n3w-Pa55word!'), 'secrets never reach the logs');
    assert.ok(!env.logs().includes('emulator-secret'));

    await inject({
      method: 'POST',
      url: `/accounts/${a.id}/records/customers`,
      headers: admin,
      payload: { name: 'Gone soon' },
    });
    const del = await inject({ method: 'DELETE', url: `/accounts/${a.id}`, headers: admin });
    assert.equal(del.statusCode, 204);
    assert.equal((await inject({ method: 'GET', url: `/accounts/${a.id}`, headers: admin })).statusCode, 404);
    assert.equal(await env.schedules.describe(a.id), null);
    assert.equal(await env.mongo.db.collection('customers').countDocuments({ accountId: a.id }), 0);
    assert.equal(
      (await inject({ method: 'GET', url: `/accounts/${a.id}`, headers: bearer(a.apiKey) })).statusCode,
      401,
    );
    assert.equal(
      (await inject({ method: 'DELETE', url: `/accounts/${a.id}`, headers: admin })).statusCode,
      404,
    );
  });

  it('answers 404 for the connection check of an unknown account', async () => {
    const res = await inject({
      method: 'POST',
      url: '/accounts/acc_zzzzzzzzzzzz/connection/validate',
      headers: admin,
    });
    assert.equal(res.statusCode, 404);
  });
});

describe('settings and schedule', () => {
  it('validates settings and keeps the schedule in line with interval and pause', async () => {
    const a = await createAccount(env.app);
    const bad = await inject({
      method: 'PATCH',
      url: `/accounts/${a.id}/settings`,
      headers: bearer(a.apiKey),
      payload: { executionDelayMinutes: 10, newCustomerType: 'ALIEN', unknownSetting: 1 },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /executionDelayMinutes must be at least 15/);
    const fields = bad
      .json()
      .error.details.issues.map((i: { field: string }) => i.field)
      .sort();
    assert.deepEqual(fields, ['executionDelayMinutes', 'newCustomerType', 'unknownSetting']);

    const ok = await inject({
      method: 'PATCH',
      url: `/accounts/${a.id}/settings`,
      headers: bearer(a.apiKey),
      payload: { executionDelayMinutes: 30, includeSubCustomers: true },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().executionDelayMinutes, 30);
    const described = await env.schedules.describe(a.id);
    assert.deepEqual(
      described?.spec.intervals?.map((i) => i.every),
      [30 * 60_000],
    );

    const paused = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/schedule/pause`,
      headers: bearer(a.apiKey),
    });
    assert.equal(paused.statusCode, 200, paused.body);
    assert.equal(paused.json().paused, true);
    assert.equal((await env.schedules.describe(a.id))?.state.paused, true);
    assert.equal(
      (await inject({ method: 'GET', url: `/accounts/${a.id}/settings`, headers: admin })).json().paused,
      true,
    );
    const resumed = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/schedule/resume`,
      headers: admin,
    });
    assert.equal(resumed.json().paused, false);
    assert.equal((await env.schedules.describe(a.id))?.state.paused, false);
  });
});

describe('records', () => {
  it('estimates and sales orders accept a due date, discounts, markups and sales tax like invoices', async () => {
    const a = await createAccount(env.app);
    const post = (type: string, payload: Record<string, unknown>) =>
      inject({
        method: 'POST',
        url: `/accounts/${a.id}/records/${type}`,
        headers: bearer(a.apiKey),
        payload,
      });
    const customer = (await post('customers', { name: 'Priced Co' })).json<{ id: string }>().id;
    const pricing = {
      customerId: customer,
      date: '2025-03-04',
      dueDate: '2025-04-03',
      lines: [{ sku: 'PUMP-1', quantity: 2, unitPrice: 249.5, discountPercent: 5 }],
      discounts: [{ description: 'Coupon', kind: 'amount', value: 20 }],
      markups: [{ description: 'Rush delivery', kind: 'percent', value: 10 }],
      salesTax: { taxZoneId: 'IL', taxId: 'ILSTATE', ratePercent: 6.25 },
    };
    for (const type of ['estimates', 'sales-orders']) {
      const created = await post(type, pricing);
      assert.equal(created.statusCode, 201, created.body);
      const read = await inject({
        method: 'GET',
        url: `/accounts/${a.id}/records/${type}/${created.json<{ id: string }>().id}`,
        headers: bearer(a.apiKey),
      });
      const body = read.json<typeof pricing>();
      assert.deepEqual(
        [body.dueDate, body.discounts, body.markups, body.salesTax],
        [pricing.dueDate, pricing.discounts, pricing.markups, pricing.salesTax],
        type,
      );
      const bad = await post(type, {
        ...pricing,
        dueDate: '2025-03-01',
        discounts: [{ description: 'Too much', kind: 'percent', value: 120 }],
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad
          .json<{ error: { details: { issues: { field: string }[] } } }>()
          .error.details.issues.map((i) => i.field)
          .sort(),
        ['discounts.0.value', 'dueDate'],
        type,
      );
    }
  });

  it('creates, reads, updates, lists with filters and pages, and adds notes', async () => {
    const a = await createAccount(env.app);
    const base = `/accounts/${a.id}/records/customers`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await inject({
        method: 'POST',
        url: base,
        headers: bearer(a.apiKey),
        payload: {
          name: `Customer ${i}`,
          billingAddress: { city: 'Austin', latitude: 30.2, longitude: -97.7 },
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json<{ id: string }>().id);
    }
    const first = await inject({ method: 'GET', url: `${base}?limit=2`, headers: bearer(a.apiKey) });
    assert.equal(first.json().items.length, 2);
    const second = await inject({
      method: 'GET',
      url: `${base}?limit=2&after=${first.json().nextCursor}`,
      headers: bearer(a.apiKey),
    });
    const third = await inject({
      method: 'GET',
      url: `${base}?limit=2&after=${second.json().nextCursor}`,
      headers: bearer(a.apiKey),
    });
    const seen = [...first.json().items, ...second.json().items, ...third.json().items].map(
      (r: { id: string }) => r.id,
    );
    assert.deepEqual([...seen].sort(), [...ids].sort());
    assert.equal(third.json().nextCursor, null);

    const search = await inject({ method: 'GET', url: `${base}?q=customer%203`, headers: bearer(a.apiKey) });
    assert.deepEqual(
      search.json().items.map((r: { name: string }) => r.name),
      ['Customer 3'],
    );

    const patched = await inject({
      method: 'PATCH',
      url: `${base}/${ids[0]}`,
      headers: bearer(a.apiKey),
      payload: { name: 'Renamed customer', email: 'ops@example.com' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'Renamed customer');
    assert.equal(patched.json().syncState, 'none');

    const note = await inject({
      method: 'POST',
      url: `${base}/${ids[0]}/notes`,
      headers: bearer(a.apiKey),
      payload: { text: 'Called the customer' },
    });
    assert.equal(note.statusCode, 201);
    assert.equal(note.json().notes[0].text, 'Called the customer');
    assert.equal(note.json().notes[0].author, 'user');

    const missingRef = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/records/invoices`,
      headers: bearer(a.apiKey),
      payload: {
        customerId: 'cus_doesnotexist1',
        invoiceDate: '2026-01-31',
        lines: [{ description: 'Work', quantity: 1, unitPrice: 10 }],
      },
    });
    assert.equal(missingRef.statusCode, 400);
    assert.match(
      missingRef.json().error.message,
      /customerId references customer cus_doesnotexist1, which does not exist/,
    );

    assert.equal(
      (await inject({ method: 'GET', url: `${base}/cus_doesnotexist1`, headers: admin })).statusCode,
      404,
    );
    const unknownType = await inject({
      method: 'GET',
      url: `/accounts/${a.id}/records/widgets`,
      headers: admin,
    });
    assert.equal(unknownType.statusCode, 400);
    assert.match(unknownType.json().error.message, /type must be one of: customers/);
  });

  it('marks records for export by ids, filter and all, shows Pending, and refuses pull-only types', async () => {
    const a = await createAccount(env.app);
    const base = `/accounts/${a.id}/records/products`;
    const ids: string[] = [];
    for (const sku of ['WIDGET-1', 'WIDGET-2', 'GADGET-1']) {
      const res = await inject({
        method: 'POST',
        url: base,
        headers: admin,
        payload: { sku, description: `${sku} item`, price: 10 },
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json<{ id: string }>().id);
    }
    const byIds = await inject({
      method: 'POST',
      url: `${base}/export`,
      headers: admin,
      payload: { ids: [ids[0], 'prd_missing00001'] },
    });
    assert.equal(byIds.statusCode, 200, byIds.body);
    assert.deepEqual(byIds.json(), { marked: 1, missingIds: ['prd_missing00001'] });
    const one = await inject({ method: 'GET', url: `${base}/${ids[0]}`, headers: admin });
    assert.equal(one.json().externalId, 'Pending');
    assert.equal(one.json().syncState, 'pending');

    const byFilter = await inject({
      method: 'POST',
      url: `${base}/export`,
      headers: admin,
      payload: { filter: { q: 'widget' } },
    });
    assert.deepEqual(byFilter.json(), { marked: 1 });
    const all = await inject({
      method: 'POST',
      url: `${base}/export`,
      headers: admin,
      payload: { all: true },
    });
    assert.deepEqual(all.json(), { marked: 1 });
    const pending = await inject({ method: 'GET', url: `${base}?externalId=Pending`, headers: admin });
    assert.equal(pending.json().items.length, 3);

    const both = await inject({
      method: 'POST',
      url: `${base}/export`,
      headers: admin,
      payload: { all: true, ids: [ids[0]] },
    });
    assert.equal(both.statusCode, 400);
    assert.match(both.json().error.message, /exactly one of ids, filter or all/);

    for (const type of ['price-lists', 'projects']) {
      const res = await inject({
        method: 'POST',
        url: `/accounts/${a.id}/records/${type}/export`,
        headers: admin,
        payload: { all: true },
      });
      assert.equal(res.statusCode, 400, type);
      assert.equal(res.json().error.code, 'unsupported_operation');
      assert.match(res.json().error.message, /come from Acumatica/);
    }
  });
});

describe('notifications', () => {
  it('lists run summaries newest first and marks one read', async () => {
    const a = await createAccount(env.app);
    const summary = (n: number) =>
      sampleSummary({
        accountId: a.id,
        runId: `run-${n}`,
        pushed: n,
        startedAt: new Date(2026, 0, n).toISOString(),
      });
    await env.store.notifications.recordRunSummary(a.id, `sync/${a.id}/manual-1`, summary(1));
    await env.store.notifications.recordRunSummary(a.id, `sync/${a.id}/manual-2`, summary(2));
    const list = await inject({
      method: 'GET',
      url: `/accounts/${a.id}/notifications`,
      headers: bearer(a.apiKey),
    });
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().items.length, 2);
    assert.equal(list.json().unread, 2);
    assert.equal(list.json().items[0].summary.runId, 'run-2');
    const nid = list.json().items[1].id;
    const read = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/notifications/${nid}/read`,
      headers: bearer(a.apiKey),
    });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().read, true);
    const unread = await inject({
      method: 'GET',
      url: `/accounts/${a.id}/notifications?unread=true`,
      headers: bearer(a.apiKey),
    });
    assert.deepEqual(
      unread.json().items.map((n: { summary: { runId: string } }) => n.summary.runId),
      ['run-2'],
    );
    const missing = await inject({
      method: 'POST',
      url: `/accounts/${a.id}/notifications/ntf_nothere0000/read`,
      headers: admin,
    });
    assert.equal(missing.statusCode, 404);
  });
});

describe('the error contract', () => {
  it('answers bad JSON, wrong content types, oversized bodies and unknown routes with 4xx in the error shape', async () => {
    const a = await createAccount(env.app);
    const url = `/accounts/${a.id}/records/customers`;
    const cases = [
      {
        payload: '{"name": ',
        headers: { 'content-type': 'application/json' },
        status: 400,
        code: 'invalid_json',
      },
      {
        payload: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        payload: 'just text',
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        payload: JSON.stringify({ name: 'x'.repeat(70_000) }),
        headers: { 'content-type': 'application/json' },
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const c of cases) {
      const res = await inject({
        method: 'POST',
        url,
        headers: { ...admin, ...c.headers },
        payload: c.payload,
      });
      assert.equal(res.statusCode, c.status, `${c.code}: ${res.body}`);
      assert.equal(res.json().error.code, c.code);
    }
    const notFound = await inject({ method: 'GET', url: '/nowhere', headers: admin });
    assert.equal(notFound.statusCode, 404);
    assert.equal(notFound.json().error.code, 'not_found');
    assert.ok(notFound.headers['x-request-id']);
  });

  it('answers a __proto__ or constructor.prototype key with a 400 naming the key, not "invalid JSON"', async () => {
    const a = await createAccount(env.app);
    const url = `/accounts/${a.id}/records/customers`;
    for (const [payload, field] of [
      ['{"name":"Acme","__proto__":{"isAdmin":true}}', '__proto__'],
      [
        '{"name":"Acme","contacts":[{"name":"x","constructor":{"prototype":{"y":1}}}]}',
        'contacts.0.constructor',
      ],
    ] as const) {
      const res = await inject({
        method: 'POST',
        url,
        headers: { ...admin, 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400, res.body);
      const error = res.json().error as { code: string; message: string; details: { issues: unknown[] } };
      assert.equal(error.code, 'validation_failed');
      assert.match(error.message, new RegExp(`the key "${field.split('.').at(-1)!}" is not accepted`));
      assert.deepEqual(error.details.issues, [{ field, message: error.message, in: 'body' }]);
    }
    // A constructor key that is plain data is accepted as JSON (and then validated like any field).
    const plain = await inject({
      method: 'POST',
      url,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"name":"Acme","constructor":1}',
    });
    assert.equal(plain.json().error.code, 'validation_failed');
    assert.doesNotMatch(plain.json().error.message, /not accepted in a request body/);
  });

  it('reports every bad field of params, query and body at once', async () => {
    const res = await inject({
      method: 'GET',
      url: '/accounts/not-an-id/records/customers?limit=9999&syncState=weird&updatedSince=yesterday',
      headers: admin,
    });
    assert.equal(res.statusCode, 400);
    const issues = res.json().error.details.issues as { field: string; in: string }[];
    assert.deepEqual(issues.map((i) => `${i.in}.${i.field}`).sort(), [
      'params.id',
      'query.limit',
      'query.syncState',
      'query.updatedSince',
    ]);
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and status', async () => {
    await inject({ method: 'GET', url: '/accounts/acc_zzzzzzzzzzzz', headers: admin });
    const res = await inject({ method: 'GET', url: '/metrics', headers: admin });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(
      res.body,
      /fsac_api_http_requests_total\{method="GET",route="\/accounts\/:id",status="404"\} \d+/,
    );
    assert.ok(!res.body.includes('acc_zzzzzzzzzzzz'), 'labels use the route pattern, not raw ids');
  });
});
