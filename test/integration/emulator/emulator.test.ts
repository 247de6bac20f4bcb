/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are free-form contract JSON here */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_OAUTH_CLIENT, startEmulator, type RunningEmulator } from '../../../emulator/index';

const V24 = '/entity/Default/24.200.001';

async function login(emu: RunningEmulator): Promise<Record<string, string>> {
  const res = await fetch(`${emu.url}/entity/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: 'admin', tenant: 'Company' }),
  });
  assert.equal(res.status, 204);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, 'content-type': 'application/json' };
}

async function call(
  emu: RunningEmulator,
  h: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { ...h, ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, any>) : undefined,
  };
}

async function until<T>(fn: () => Promise<T | undefined>, deadlineMs = 5000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met before deadline');
    await new Promise((r) => setImmediate(r));
  }
}

describe('emulator over HTTP', () => {
  let clock = new Date('2025-03-04T12:00:00Z').getTime();
  let emu: RunningEmulator;
  let h: Record<string, string>;
  before(async () => {
    emu = await startEmulator({
      seed: { customers: 5, stockItems: 3, nonStockItems: 2, seed: 7 },
      now: () => new Date(clock),
      actionDurationMs: 50,
    });
    h = await login(emu);
  });
  after(() => emu.close());

  test('bad credentials are a 500 PXException; no cookie, no access', async () => {
    const res = await fetch(`${emu.url}/entity/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: 'x', tenant: 'Company' }),
    });
    assert.equal(res.status, 500);
    assert.equal(
      ((await res.json()) as { exceptionMessage: string }).exceptionMessage,
      'Error: Invalid credentials. Please try again.',
    );
    const anon = await call(emu, {}, 'GET', `${V24}/Customer`);
    assert.equal(anon.status, 401);
    assert.equal(anon.body?.message, 'Authorization has been denied for this request.');
  });

  test('form login with company alias works', async () => {
    const res = await fetch(`${emu.url}/entity/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=admin&password=admin&company=Company',
    });
    assert.equal(res.status, 204);
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith('.ASPXAUTH=')));
  });

  test('unknown endpoint version is a 404 naming the endpoint', async () => {
    const r = await call(emu, h, 'GET', '/entity/Default/99.200.001/Customer');
    assert.equal(r.status, 404);
    assert.equal(r.body?.message, 'Endpoint [Default/99.200.001] not found');
  });

  test('customer upsert: keys upper-cased, unchanged PUT keeps modified time, real change bumps it', async () => {
    const put = await call(emu, h, 'PUT', `${V24}/Customer?$expand=MainContact`, {
      CustomerID: { value: 'newcust' },
      CustomerName: { value: 'New Customer' },
      Bogus: { value: 1 },
      MainContact: { Email: { value: 'n@x.example' } },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body?.CustomerID.value, 'NEWCUST');
    assert.equal(put.body?.MainContact.Email.value, 'n@x.example');
    assert.equal(put.body?.Bogus, undefined);
    const modified = put.body?.LastModifiedDateTime.value as string;
    assert.equal(modified, '2025-03-04T12:00:00.000+00:00');
    clock += 60_000;
    const same = await call(emu, h, 'PUT', `${V24}/Customer`, {
      CustomerID: { value: 'NEWCUST' },
      CustomerName: { value: 'New Customer' },
    });
    assert.equal(same.body?.LastModifiedDateTime.value, modified);
    const changed = await call(emu, h, 'PUT', `${V24}/Customer`, {
      CustomerID: { value: 'NEWCUST' },
      CustomerName: { value: 'Renamed' },
    });
    assert.equal(changed.body?.LastModifiedDateTime.value, '2025-03-04T12:01:00.000+00:00');
    assert.equal(changed.body?.id, put.body?.id);
    const got = await call(emu, h, 'GET', `${V24}/Customer/newcust`);
    assert.equal(got.body?.CustomerName.value, 'Renamed');
    assert.equal(got.body?.MainContact, undefined, 'nothing nested unless expanded');
  });

  test('422 echoes field errors and the entity-level error', async () => {
    const r = await call(emu, h, 'PUT', `${V24}/Customer`, {
      CustomerID: { value: 'BAD1' },
      ParentRecord: { value: 'NOSUCH' },
      Status: { value: 'Sleeping' },
    });
    assert.equal(r.status, 422);
    assert.equal(
      r.body?.error,
      "Inserting 'Customer' record raised at least one error. Please review the errors.",
    );
    assert.equal(r.body?.CustomerName.error, "'Customer Name' cannot be empty.");
    assert.equal(r.body?.ParentRecord.error, "'Parent Account' cannot be found in the system.");
    assert.ok(r.body?.Status.error);
    const missing = await call(emu, h, 'GET', `${V24}/Customer/BAD1`);
    assert.equal(missing.status, 500);
    assert.equal(missing.body?.exceptionType, 'PX.Api.ContractBased.NoEntitySatisfiesTheConditionException');
  });

  test('If-None-Match / If-Match preconditions answer 412', async () => {
    const exists = await call(
      emu,
      h,
      'PUT',
      `${V24}/Customer`,
      { CustomerID: { value: 'C000001' } },
      { 'if-none-match': '*' },
    );
    assert.equal(exists.status, 412);
    const absent = await call(
      emu,
      h,
      'PUT',
      `${V24}/Customer`,
      { CustomerID: { value: 'ZZZ' }, CustomerName: { value: 'Z' } },
      { 'if-match': '*' },
    );
    assert.equal(absent.status, 412);
  });

  test('auto-numbering: every PUT without a number creates a new order; detail rows insert/update/delete', async () => {
    const body = {
      OrderType: { value: 'SO' },
      CustomerID: { value: 'C000001' },
      ExternalRef: { value: 'fs-1' },
      Details: [{ InventoryID: { value: 'SVC0001' }, OrderQty: { value: 2 }, UnitPrice: { value: 10 } }],
    };
    const a = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=Details`, body);
    const b = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=Details`, body);
    assert.equal(a.body?.OrderNbr.value, 'SO000001');
    assert.equal(b.body?.OrderNbr.value, 'SO000002');
    assert.equal(a.body?.OrderTotal.value, 20);
    const qt = await call(emu, h, 'PUT', `${V24}/SalesOrder`, { ...body, OrderType: { value: 'QT' } });
    assert.equal(qt.body?.OrderNbr.value, 'QT000001');
    const lineId = a.body?.Details[0].id as string;
    const upd = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=Details`, {
      OrderType: { value: 'SO' },
      OrderNbr: { value: 'SO000001' },
      Details: [
        { id: lineId, OrderQty: { value: 3 } },
        { InventoryID: { value: 'SVC0002' }, OrderQty: { value: 1 }, UnitPrice: { value: 5 } },
      ],
    });
    assert.equal(upd.body?.Details.length, 2);
    assert.equal(upd.body?.OrderTotal.value, 35);
    const del = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=Details`, {
      OrderType: { value: 'SO' },
      OrderNbr: { value: 'SO000001' },
      Details: [{ id: lineId, delete: true }],
    });
    assert.equal(del.body?.Details.length, 1);
    const filtered = await call(
      emu,
      h,
      'GET',
      `${V24}/SalesOrder?$filter=${encodeURIComponent("ExternalRef eq 'fs-1' and OrderType eq 'SO'")}`,
    );
    assert.deepEqual(
      filtered.body?.map((o: any) => o.OrderNbr.value),
      ['SO000001', 'SO000002'],
    );
    const bad = await call(
      emu,
      h,
      'GET',
      `${V24}/SalesOrder?$filter=${encodeURIComponent("Details/InventoryID eq 'X'")}`,
    );
    assert.equal(bad.status, 500);
    assert.match(bad.body?.exceptionMessage, /is not a single value/);
    const gone = await call(emu, h, 'DELETE', `${V24}/SalesOrder/SO/SO000002`);
    assert.equal(gone.status, 204);
    assert.equal((await call(emu, h, 'DELETE', `${V24}/SalesOrder/SO/SO000002`)).status, 500);
  });

  test('version quirks: modified fields differ per version', async () => {
    const s23 = await call(emu, h, 'GET', '/entity/Default/23.200.001/StockItem?$top=1');
    assert.ok('LastModified' in s23.body![0]);
    assert.ok(!('LastModifiedDateTime' in s23.body![0]));
    const s24 = await call(emu, h, 'GET', `${V24}/StockItem?$top=1`);
    assert.ok('LastModifiedDateTime' in s24.body![0]);
    const so22 = await call(emu, h, 'PUT', '/entity/Default/22.200.001/ServiceOrder', {
      Customer: { value: 'C000002' },
      ExternalReference: { value: 'wo-9' },
    });
    assert.equal(so22.status, 200);
    assert.ok(!('LastModifiedDateTime' in so22.body!));
    const f22 = await call(
      emu,
      h,
      'GET',
      `/entity/Default/22.200.001/ServiceOrder?$filter=${encodeURIComponent("LastModifiedDateTime gt datetimeoffset'2020-01-01T00:00:00Z'")}`,
    );
    assert.equal(f22.status, 500);
    const order = await call(emu, h, 'GET', `${V24}/SalesOrder?$top=1`);
    assert.ok('LastModified' in order.body![0] && !('LastModifiedDateTime' in order.body![0]));
  });

  test('ReleaseInvoice answers 202 + Location, polls 202 then 204, and releases', async () => {
    const inv = await call(emu, h, 'PUT', `${V24}/Invoice`, {
      Customer: { value: 'C000003' },
      CustomerOrder: { value: 'fs-inv-1' },
      Details: [{ InventoryID: { value: 'SVC0001' }, Qty: { value: 1 }, UnitPrice: { value: 99 } }],
    });
    assert.equal(inv.body?.ReferenceNbr.value, 'AR000001');
    assert.equal(inv.body?.Type.value, 'Invoice');
    const rel = await call(emu, h, 'POST', `${V24}/Invoice/ReleaseInvoice`, { entity: { id: inv.body?.id } });
    assert.equal(rel.status, 202);
    const loc = rel.headers.get('location')!;
    assert.match(loc, /^\/entity\/Default\/24\.200\.001\/Invoice\/ReleaseInvoice\/status\/[0-9a-f-]{36}$/);
    assert.equal((await call(emu, h, 'GET', loc)).status, 202);
    clock += 1000;
    assert.equal((await call(emu, h, 'GET', loc)).status, 204);
    const after = await call(emu, h, 'GET', `${V24}/Invoice/Invoice/AR000001`);
    assert.equal(after.body?.Status.value, 'Open');
  });

  test('taxes: the rate comes from the tax, the amount is computed unless set, rows match by TaxID', async () => {
    const tax = await call(emu, h, 'PUT', `${V24}/Tax`, {
      TaxID: { value: 'wastate' },
      Description: { value: 'WA State' },
      TaxSchedule: [{ TaxRate: { value: 6.5 } }],
    });
    assert.equal(tax.status, 200);
    assert.equal(tax.body?.TaxID.value, 'WASTATE');
    const order = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=Details,TaxDetails`, {
      CustomerID: { value: 'C000002' },
      Details: [
        { InventoryID: { value: 'SVC0001' }, OrderQty: { value: 2 }, UnitPrice: { value: 50 } },
        {
          InventoryID: { value: 'SVC0002' },
          OrderQty: { value: 1 },
          UnitPrice: { value: 200 },
          DiscountPercent: { value: 10 },
        },
      ],
      TaxDetails: [{ TaxID: { value: 'WASTATE' }, TaxRate: { value: 99 } }],
    });
    assert.equal(order.status, 200);
    // Lines 100 + (200 − 20); tax 6.5 % of 280 = 18.20.
    assert.equal(order.body?.Details[1].DiscountAmount.value, 20);
    assert.deepEqual(
      [order.body?.TaxDetails.length, order.body?.TaxDetails[0].TaxRate.value],
      [1, 6.5],
      'the rate a client sends is not kept',
    );
    assert.equal(order.body?.TaxDetails[0].TaxableAmount.value, 280);
    assert.equal(order.body?.TaxTotal.value, 18.2);
    assert.equal(order.body?.OrderTotal.value, 298.2);

    const key = `${V24}/SalesOrder/SO/${order.body?.OrderNbr.value as string}?$expand=TaxDetails`;
    const overridden = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=TaxDetails`, {
      id: order.body?.id,
      TaxDetails: [{ TaxID: { value: 'WASTATE' }, TaxAmount: { value: 17.5 } }],
    });
    assert.equal(overridden.body?.TaxDetails.length, 1, 'a row sent again by TaxID updates it');
    assert.equal(overridden.body?.TaxTotal.value, 17.5);
    const relined = await call(emu, h, 'PUT', `${V24}/SalesOrder?$expand=TaxDetails`, {
      id: order.body?.id,
      Details: [{ id: order.body?.Details[0].id, OrderQty: { value: 3 } }],
    });
    assert.equal(relined.body?.TaxTotal.value, 17.5, 'a manual tax amount stays when lines change');
    assert.equal((await call(emu, h, 'GET', key)).body?.OrderTotal.value, 347.5);

    const unknown = await call(emu, h, 'PUT', `${V24}/Invoice`, {
      Customer: { value: 'C000002' },
      Details: [{ InventoryID: { value: 'SVC0001' }, Qty: { value: 1 }, UnitPrice: { value: 10 } }],
      TaxDetails: [{ TaxID: { value: 'NOSUCHTAX' } }],
    });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body?.TaxDetails[0].TaxID.error, "'Tax ID' cannot be found in the system.");
  });

  test('admin edit bumps the modified time and counters count per route', async () => {
    emu.admin.resetCounters();
    const c = (await call(emu, h, 'GET', `${V24}/Customer/C000004`)).body!;
    clock += 5000;
    emu.admin.editRecord('Customer', c.id, { CustomerName: 'Edited in ERP' });
    const again = (await call(emu, h, 'GET', `${V24}/Customer/C000004`)).body!;
    assert.equal(again.CustomerName.value, 'Edited in ERP');
    assert.notEqual(again.LastModifiedDateTime.value, c.LastModifiedDateTime.value);
    const counters = (await call(emu, {}, 'GET', '/_emulator/counters')).body!;
    assert.equal(counters['GET Customer'], 2);
  });

  test('faults: conflict, 5xx, 429 burst, malformed JSON, commit-then-drop', async () => {
    emu.admin.setFaults({ conflicts: { rate: 1 }, target: { entity: 'Vendor' } });
    const conflict = await call(emu, h, 'PUT', `${V24}/Vendor`, {
      VendorID: { value: 'V1' },
      VendorName: { value: 'V' },
    });
    assert.equal(conflict.status, 500);
    assert.equal(
      conflict.body?.exceptionMessage,
      "Another process has updated the 'Vendor' record. Your changes will be lost.",
    );
    assert.equal((await call(emu, h, 'GET', `${V24}/Vendor/V1`)).status, 500, 'nothing was committed');
    emu.admin.setFaults({ tooManyRequests: { next: 2, retryAfterSec: 3 } });
    const t1 = await call(emu, h, 'GET', `${V24}/Customer?$top=1`);
    assert.equal(t1.status, 429);
    assert.equal(t1.headers.get('retry-after'), '3');
    assert.equal((await call(emu, h, 'GET', `${V24}/Customer?$top=1`)).status, 429);
    assert.equal((await call(emu, h, 'GET', `${V24}/Customer?$top=1`)).status, 200);
    emu.admin.setFaults({ serverErrors: { rate: 1, status: 503 } });
    assert.equal((await call(emu, h, 'GET', `${V24}/Customer?$top=1`)).status, 503);
    emu.admin.setFaults({ malformedJson: { rate: 1 } });
    const raw = await fetch(`${emu.url}${V24}/Customer?$top=1`, { headers: h });
    assert.equal(raw.status, 200);
    const text = await raw.text();
    assert.throws(() => JSON.parse(text));
    emu.admin.setFaults({ commitThenDrop: { next: 1 } });
    await assert.rejects(
      call(emu, h, 'PUT', `${V24}/Invoice`, {
        Customer: { value: 'C000001' },
        CustomerOrder: { value: 'dropped-1' },
      }),
    );
    emu.admin.setFaults({});
    const found = await call(
      emu,
      h,
      'GET',
      `${V24}/Invoice?$filter=${encodeURIComponent("CustomerOrder eq 'dropped-1'")}`,
    );
    assert.equal(found.body?.length, 1, 'the dropped PUT was committed');
  });

  test('a customer billing address and billing contact each follow MainContact until their own override flag', async () => {
    const expand = '$expand=MainContact,MainContact/Address,BillingContact,BillingContact/Address';
    const put = (body: Record<string, unknown>) => call(emu, h, 'PUT', `${V24}/Customer?${expand}`, body);
    await put({
      CustomerID: { value: 'OVR1' },
      CustomerName: { value: 'Override Test' },
      MainContact: { Email: { value: 'main@example.com' }, Address: { City: { value: 'Main City' } } },
    });
    // Address override only: the address is the customer's own, the contact fields still mirror MainContact.
    const res = await put({
      CustomerID: { value: 'OVR1' },
      BillingAddressOverride: { value: true },
      BillingContact: { Email: { value: 'ignored@example.com' }, Address: { City: { value: 'Bill City' } } },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body?.BillingContact.Address.City.value, 'Bill City');
    assert.equal(res.body?.BillingContact.Email.value, 'main@example.com');
    assert.equal(res.body?.MainContact.Address.City.value, 'Main City');
    // Without the address flag an address edit is not stored.
    const again = await put({
      CustomerID: { value: 'OVR1' },
      BillingAddressOverride: { value: false },
      BillingContact: { Address: { City: { value: 'Lost City' } } },
    });
    assert.equal(again.body?.BillingContact.Address.City.value, 'Main City');
  });
});

describe('sessions, OAuth and throttling', () => {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      seed: 'none',
      now: () => new Date(clock),
      limits: { maxApiUsers: 2, sessionIdleMs: 600_000, tokenLifetimeSec: 60 },
    });
  });
  after(() => emu.close());

  const token = async (form: Record<string, string>) => {
    const res = await fetch(`${emu.url}/identity/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const grant = {
    grant_type: 'password',
    client_id: DEFAULT_OAUTH_CLIENT.clientId,
    client_secret: DEFAULT_OAUTH_CLIENT.secret,
    username: 'admin',
    password: 'admin',
    scope: 'api offline_access',
  };

  test('seats: third session is refused with API Login Limit; logout frees a seat; idle sessions expire', async () => {
    emu.admin.clearSessions();
    const h1 = await login(emu);
    await login(emu);
    const third = await fetch(`${emu.url}/entity/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: 'admin' }),
    });
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { exceptionMessage: string }).exceptionMessage, 'API Login Limit');
    assert.equal((await token(grant)).status, 429);
    assert.equal((await call(emu, h1, 'POST', '/entity/auth/logout')).status, 204);
    assert.equal((await call(emu, h1, 'GET', `${V24}/Customer`)).status, 401);
    const h3 = await login(emu);
    clock += 600_001;
    assert.equal((await call(emu, h3, 'GET', `${V24}/Customer`)).status, 401, 'idle session expired');
    assert.equal(emu.admin.sessions().length, 0);
  });

  test('OAuth password grant, bearer access, expiry and rotating refresh tokens', async () => {
    emu.admin.clearSessions();
    const t = await token(grant);
    assert.equal(t.status, 200);
    assert.equal(t.body.token_type, 'Bearer');
    assert.equal(t.body.expires_in, 60);
    const bearer = { authorization: `Bearer ${t.body.access_token}` };
    assert.equal((await call(emu, bearer, 'GET', `${V24}/Customer`)).status, 200);
    clock += 61_000;
    assert.equal((await call(emu, bearer, 'GET', `${V24}/Customer`)).status, 401);
    const r1 = await token({
      grant_type: 'refresh_token',
      client_id: grant.client_id,
      client_secret: grant.client_secret,
      refresh_token: t.body.refresh_token,
    });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, t.body.refresh_token);
    const reuse = await token({
      grant_type: 'refresh_token',
      client_id: grant.client_id,
      client_secret: grant.client_secret,
      refresh_token: t.body.refresh_token,
    });
    assert.deepEqual([reuse.status, reuse.body.error], [400, 'invalid_grant']);
    assert.equal(emu.admin.sessions().length, 1, 'one seat per grant chain');
    emu.admin.expireTokens();
    assert.equal(
      (await call(emu, { authorization: `Bearer ${r1.body.access_token}` }, 'GET', `${V24}/Customer`)).status,
      401,
    );
    const bad = await token({ ...grant, password: 'nope' });
    assert.equal(bad.body.error, 'invalid_grant');
  });

  test('throttling: one core and a queue of 1 declines the overflow with 429', async () => {
    emu.admin.clearSessions();
    const h = await login(emu);
    emu.admin.setLimits({ maxConcurrentRequests: 1, maxQueue: 1 });
    emu.admin.setFaults({ latency: { ms: 200 } });
    emu.admin.resetCounters();
    const results = await Promise.all([0, 1, 2, 3].map(() => call(emu, h, 'GET', `${V24}/Customer`)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    assert.equal(emu.admin.counters().declined, 2);
    emu.admin.setFaults({});
    emu.admin.setLimits({ maxConcurrentRequests: 0, maxQueue: 20 });
    await until(async () =>
      (await call(emu, h, 'GET', `${V24}/Customer`)).status === 200 ? true : undefined,
    );
  });
});
