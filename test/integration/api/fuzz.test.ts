/**
 * Property-based fuzz over every endpoint: hundreds of generated bad requests (wrong types, missing and
 * unknown fields, huge strings, bad ids, bad JSON, wrong content types, injection-looking strings, NaN-like
 * numbers, missing or wrong keys). Asserts that nothing answers 5xx, every error has the error shape, and
 * the seeded records and settings are still valid afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { ENTITY_TYPES, type EntityType } from '../../../core/entities';
import { RECORD_SPECS } from '../../../core/records';
import { accountSettingsSchema } from '../../../core/settings';
import { admin, createAccount, setupApi, type ApiTestEnv } from './helpers';

let env: ApiTestEnv;
let account: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
const seeded: { type: EntityType; id: string }[] = [];

before(async () => {
  env = await setupApi();
  account = await createAccount(env.app);
  other = await createAccount(env.app);
  const post = async (type: EntityType, payload: unknown) => {
    const res = await env.app.inject({
      method: 'POST',
      url: `/accounts/${account.id}/records/${type}`,
      headers: admin,
      payload: payload as object,
    });
    assert.equal(res.statusCode, 201, res.body);
    seeded.push({ type, id: res.json<{ id: string }>().id });
    return res.json<{ id: string }>().id;
  };
  const customer = await post('customers', {
    name: 'Fuzz Customer',
    billingAddress: { city: 'Austin', latitude: 30, longitude: -97 },
  });
  await post('products', { sku: 'FUZZ-1', description: 'Fuzz product', price: 1 });
  await post('invoices', {
    customerId: customer,
    invoiceDate: '2026-01-31',
    lines: [{ description: 'Work', quantity: 1, unitPrice: 5 }],
  });
});

after(async () => {
  await env?.close();
});

const nasty = fc.constantFrom(
  "'; DROP TABLE accounts; --",
  '{"$gt": ""}',
  '$where',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x1F',
  '   ',
  '',
  'null',
  'true',
  '🙂'.repeat(50),
  'a'.repeat(5000),
  'acc_' + 'z'.repeat(41),
  'sync/acc_zzzzzzzzzzzz/manual-x',
);
const badString = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 1200 }),
);
const badNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -1e308),
  fc.integer(),
);
const badValue = fc.oneof(
  badString,
  badNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(badString, badNumber), { maxLength: 5 }),
  fc.dictionary(badString, fc.oneof(badString, badNumber, fc.constant(null)), { maxKeys: 4 }),
);
const knownFields = [
  'name',
  'connection',
  'settings',
  'executionDelayMinutes',
  'paused',
  'entityTypes',
  'full',
  'ids',
  'filter',
  'all',
  'text',
  'sku',
  'description',
  'price',
  'customerId',
  'lines',
  'invoiceDate',
  'billingAddress',
  'email',
  'type',
  'status',
  'externalRef',
  'restPassword',
  'url',
  'tenant',
  'authMode',
  'quantity',
  'unitPrice',
  'latitude',
];
const badBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...knownFields), badValue, { maxKeys: 6 }),
  fc.dictionary(badString, badValue, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ name: 'ok', lines: [{ quantity: Number.NaN }] }),
);
const accountIdArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('OWN') },
  fc.constant('OTHER'),
  fc.constant('acc_zzzzzzzzzzzz'),
  badString,
);
const recordIdArb = fc.oneof(fc.constant('SEEDED'), fc.constant('cus_zzzzzzzzzzzz'), badString);
const query = fc.dictionary(
  fc.constantFrom(
    'limit',
    'after',
    'syncState',
    'externalId',
    'updatedSince',
    'q',
    'status',
    'since',
    'until',
    'unread',
    'x',
  ),
  fc.oneof(badString, badNumber.map(String)),
  { maxKeys: 4 },
);

type Endpoint = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; body: boolean };
const endpoints: Endpoint[] = [
  { method: 'POST', path: '/accounts', body: true },
  { method: 'GET', path: '/accounts', body: false },
  { method: 'GET', path: '/accounts/:id', body: false },
  { method: 'PATCH', path: '/accounts/:id', body: true },
  { method: 'DELETE', path: '/accounts/:bad', body: false },
  { method: 'POST', path: '/accounts/:bad/connection/validate', body: false },
  { method: 'GET', path: '/accounts/:id/keys', body: false },
  { method: 'POST', path: '/accounts/:id/keys', body: true },
  { method: 'GET', path: '/accounts/:id/settings', body: false },
  { method: 'PATCH', path: '/accounts/:id/settings', body: true },
  { method: 'GET', path: '/accounts/:id/schedule', body: false },
  { method: 'POST', path: '/accounts/:bad/schedule/pause', body: false },
  { method: 'POST', path: '/accounts/:bad/schedule/resume', body: false },
  { method: 'POST', path: '/accounts/:bad/syncs', body: true },
  { method: 'GET', path: '/accounts/:id/syncs', body: false },
  { method: 'GET', path: '/accounts/:id/syncs/:runId', body: false },
  { method: 'GET', path: '/accounts/:id/syncs/:runId/history', body: false },
  { method: 'POST', path: '/accounts/:id/syncs/:runId/cancel', body: false },
  { method: 'GET', path: '/accounts/:id/notifications', body: false },
  { method: 'POST', path: '/accounts/:id/notifications/:nid/read', body: false },
  { method: 'GET', path: '/metrics', body: false },
  ...ENTITY_TYPES.flatMap((t): Endpoint[] => [
    { method: 'GET', path: `/accounts/:id/records/${t}`, body: false },
    { method: 'POST', path: `/accounts/:id/records/${t}`, body: true },
    { method: 'POST', path: `/accounts/:id/records/${t}/export`, body: true },
    { method: 'GET', path: `/accounts/:id/records/${t}/:recordId`, body: false },
    { method: 'PATCH', path: `/accounts/:id/records/${t}/:recordId`, body: true },
    { method: 'POST', path: `/accounts/:id/records/${t}/:recordId/notes`, body: true },
    { method: 'POST', path: `/accounts/:id/records/${t}/:recordId/export`, body: false },
  ]),
  { method: 'GET', path: '/accounts/:id/records/:bad', body: false },
];

const request = fc.record({
  endpoint: fc.constantFrom(...endpoints),
  accountId: accountIdArb,
  badId: badString,
  recordId: recordIdArb,
  runId: fc.oneof(badString, fc.constant('sync/OWN/manual-2026-01-01T00:00:00.000Z')),
  query,
  body: badBody,
  encoding: fc.constantFrom('json', 'json', 'json', 'broken-json', 'text', 'form', 'none', 'huge'),
  auth: fc.constantFrom('admin', 'admin', 'admin', 'own', 'other', 'none', 'garbage'),
});

it('answers several hundred generated bad requests with 4xx in the error shape, never 5xx', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const own = r.accountId === 'OWN' ? account.id : r.accountId === 'OTHER' ? other.id : r.accountId;
      const seededId =
        seeded.find((s) => r.endpoint.path.includes(`/records/${s.type}/`))?.id ?? 'cus_zzzzzzzzzzzz';
      const path = r.endpoint.path
        .replace(':id', encodeURIComponent(own))
        // Endpoints that act (delete, start runs, sign in) get only ids of no existing account.
        .replace(':bad', encodeURIComponent(own === account.id || own === other.id ? r.badId : own))
        .replace(':recordId', encodeURIComponent(r.recordId === 'SEEDED' ? seededId : r.recordId))
        .replace(':runId', encodeURIComponent(r.runId.replace('OWN', account.id)))
        .replace(':nid', encodeURIComponent(r.badId));
      const qs = new URLSearchParams(Object.entries(r.query)).toString();
      const headers: Record<string, string> = {};
      if (r.auth === 'admin') Object.assign(headers, admin);
      else if (r.auth === 'own') headers.authorization = `Bearer ${account.apiKey}`;
      else if (r.auth === 'other') headers.authorization = `Bearer ${other.apiKey}`;
      // Header values must be printable ASCII to be sent at all.
      else if (r.auth === 'garbage') headers.authorization = `Bearer ${r.badId.replace(/[^\x21-\x7e]/g, '')}`;
      let payload: string | undefined;
      if (r.endpoint.body || r.encoding !== 'none') {
        if (r.encoding === 'json')
          [headers['content-type'], payload] = ['application/json', JSON.stringify(r.body)];
        else if (r.encoding === 'broken-json')
          [headers['content-type'], payload] = [
            'application/json',
            JSON.stringify(r.body).slice(0, -1) + ',,',
          ];
        else if (r.encoding === 'text')
          [headers['content-type'], payload] = ['text/plain', JSON.stringify(r.body) ?? 'text'];
        else if (r.encoding === 'form')
          [headers['content-type'], payload] = ['application/x-www-form-urlencoded', 'a=1&b=2'];
        else if (r.encoding === 'huge')
          [headers['content-type'], payload] = [
            'application/json',
            JSON.stringify({ name: 'x'.repeat(70_000) }),
          ];
      }
      const res = await env.app
        .inject({
          method: r.endpoint.method,
          url: qs ? `${path}?${qs}` : path,
          headers,
          ...(payload !== undefined ? { payload } : {}),
        })
        .catch((err: unknown) =>
          assert.fail(`${r.endpoint.method} ${path.slice(0, 120)} threw ${String(err)}`),
        );
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      assert.ok(
        res.statusCode < 500,
        `${r.endpoint.method} ${path.slice(0, 120)} → ${res.statusCode} ${res.body}`,
      );
      if (res.statusCode >= 400) {
        const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
        assert.equal(typeof body.error?.code, 'string', res.body);
        assert.equal(typeof body.error?.message, 'string', res.body);
        assert.match(String(body.error?.code), /^[a-z_]+$/);
      }
    }),
    { numRuns: 600, seed: 20260131, endOnFailure: true, includeErrorInReport: true },
  );
  // The fuzz must actually exercise rejections, not sail through on a few happy paths.
  const rejected = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
  assert.ok(rejected > 400, `only ${rejected} rejections: ${JSON.stringify([...statuses])}`);

  // Nothing got corrupted: the seeded records and the account still satisfy their schemas.
  for (const { type, id } of seeded) {
    const doc = await env.store.records[type].get(account.id, id);
    assert.ok(doc, `${type} ${id} vanished`);
    const { _id, accountId, externalRef, createdAt, updatedAt, rev, sync, notes, ...fields } =
      doc as unknown as Record<string, unknown>;
    assert.ok(_id && accountId && externalRef && createdAt && updatedAt && sync && Array.isArray(notes));
    assert.ok(Number.isInteger(rev) && (rev as number) >= 1, `${type} ${id} has a revision`);
    const parsed = RECORD_SPECS[type].createInput.safeParse(fields);
    assert.ok(parsed.success, `${type} ${id} no longer valid: ${JSON.stringify(parsed.error?.issues)}`);
  }
  const stored = await env.store.accounts.get(account.id);
  assert.ok(stored && accountSettingsSchema.safeParse(stored.settings).success);
});
