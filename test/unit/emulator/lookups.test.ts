/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are free-form contract JSON here */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildEmulator, type EmulatorOptions } from '../../../emulator';

const V24 = '/entity/Default/24.200.001';
const NOT_FOUND = 'No entity satisfies the condition.';

type App = Awaited<ReturnType<typeof buildEmulator>>;

/** A signed-in client of an in-process emulator (`app.inject`, no sockets). */
async function client(app: App) {
  const login = await app.inject({
    method: 'POST',
    url: '/entity/auth/login',
    payload: { name: 'admin', password: 'admin', tenant: 'Company' },
  });
  assert.equal(login.statusCode, 204);
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : undefined };
  };
}

describe('emulator key lookups over the API', () => {
  let clock = new Date('2025-03-04T12:00:00Z').getTime();
  const options: EmulatorOptions = {
    seed: { customers: 5, stockItems: 3, nonStockItems: 2, seed: 7 },
    now: () => new Date((clock += 1000)),
    actionDurationMs: 0,
  };
  let app: App;
  let call: Awaited<ReturnType<typeof client>>;
  before(async () => {
    app = await buildEmulator(options);
    call = await client(app);
  });
  after(() => app.close());

  const customers = () => app.emulatorAdmin.records('Customer');
  const stockItem = () => String(app.emulatorAdmin.records('StockItem')[0]!.values.InventoryID);

  test('a PUT by key in other case and with blanks updates the record, not a copy', async () => {
    const before = customers().length;
    const c1 = await call('GET', `${V24}/Customer/C000001`);
    const put = await call('PUT', `${V24}/Customer`, {
      CustomerID: { value: '  c000001 ' },
      CustomerName: { value: 'Found by key' },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.id, c1.body.id);
    assert.equal(put.body.CustomerID.value, 'C000001');
    assert.equal(customers().length, before);
    assert.equal((await call('GET', `${V24}/Customer/c000001`)).body.CustomerName.value, 'Found by key');
  });

  test('after an ERP user changes a key, the record answers to the new key only', async () => {
    const c2 = (await call('GET', `${V24}/Customer/C000002`)).body;
    app.emulatorAdmin.editRecord('Customer', c2.id, { CustomerID: 'RENAMED2' });
    assert.equal((await call('GET', `${V24}/Customer/renamed2`)).body.id, c2.id);
    const old = await call('GET', `${V24}/Customer/C000002`);
    assert.equal(old.status, 500);
    assert.equal(old.body.exceptionMessage, NOT_FOUND);
    // A document for the new key finds the customer (a linked-entity lookup) and stores its key as kept.
    const inv = await call('PUT', `${V24}/Invoice`, {
      Customer: { value: 'Renamed2' },
      Details: [
        { InventoryID: { value: stockItem().toLowerCase() }, Qty: { value: 1 }, UnitPrice: { value: 5 } },
      ],
    });
    assert.equal(inv.status, 200);
    assert.equal(inv.body.Customer.value, 'RENAMED2');
    const stale = await call('PUT', `${V24}/Invoice`, {
      Customer: { value: 'C000002' },
      Details: [{ InventoryID: { value: stockItem() }, Qty: { value: 1 }, UnitPrice: { value: 5 } }],
    });
    assert.equal(stale.status, 422);
    assert.equal(stale.body.Customer.error, "'Customer' cannot be found in the system.");
    // The old key is free again: a PUT by it creates a new customer.
    const created = await call('PUT', `${V24}/Customer`, {
      CustomerID: { value: 'C000002' },
      CustomerName: { value: 'New owner of the key' },
    });
    assert.equal(created.status, 200);
    assert.notEqual(created.body.id, c2.id);
  });

  test('a deleted record is not found by key; its key can be used again', async () => {
    const c3 = (await call('GET', `${V24}/Customer/C000003`)).body;
    assert.equal((await call('DELETE', `${V24}/Customer/c000003`)).status, 204);
    assert.equal((await call('GET', `${V24}/Customer/C000003`)).body.exceptionMessage, NOT_FOUND);
    assert.equal((await call('DELETE', `${V24}/Customer/C000003`)).status, 500);
    const again = await call('PUT', `${V24}/Customer`, {
      CustomerID: { value: 'C000003' },
      CustomerName: { value: 'Back' },
    });
    assert.notEqual(again.body.id, c3.id);
    assert.equal((await call('GET', `${V24}/Customer/c000003`)).body.id, again.body.id);
  });

  test('documents are found by both parts of their key, in any case', async () => {
    const item = stockItem();
    const inv = await call('PUT', `${V24}/Invoice`, {
      Customer: { value: 'C000004' },
      Details: [{ InventoryID: { value: item }, Qty: { value: 4 }, UnitPrice: { value: 12.5 } }],
    });
    const nbr = inv.body.ReferenceNbr.value as string;
    assert.equal((await call('GET', `${V24}/Invoice/invoice/${nbr.toLowerCase()}`)).body.id, inv.body.id);
    assert.equal((await call('GET', `${V24}/Invoice/Credit%20Memo/${nbr}`)).status, 500);
    const released = await call('POST', `${V24}/Invoice/ReleaseInvoice`, {
      entity: { Type: { value: 'INVOICE' }, ReferenceNbr: { value: nbr.toLowerCase() } },
    });
    assert.equal(released.status, 202, 'a long-running action (done at once here)');
    assert.equal((await call('GET', `${V24}/Invoice/Invoice/${nbr}`)).body.Status.value, 'Open');
    // A return line names the invoice by type and number: it takes the invoiced quantity and price.
    const ret = await call('PUT', `${V24}/SalesOrder?$expand=Details`, {
      OrderType: { value: 'RC' },
      CustomerID: { value: 'c000004' },
      Details: [
        { InventoryID: { value: item }, InvoiceType: { value: 'invoice' }, InvoiceNbr: { value: nbr } },
      ],
    });
    assert.equal(ret.status, 200);
    assert.equal(ret.body.Details[0].OrderQty.value, 4);
    assert.equal(ret.body.Details[0].UnitPrice.value, 12.5);
  });

  test('a paged, filtered list sees every write made between its pages', async () => {
    const filter = encodeURIComponent("LastModifiedDateTime ge datetimeoffset'2000-01-01T00:00:00Z'");
    const page = async (skip: number) =>
      (
        await call('GET', `${V24}/Customer?$filter=${filter}&$top=2&$skip=${skip}&$select=CustomerID`)
      ).body.map((c: any) => c.CustomerID.value as string);
    const first = await page(0);
    assert.equal(first.length, 2);
    await call('PUT', `${V24}/Customer`, { CustomerID: { value: 'A-FIRST' }, CustomerName: { value: 'a' } });
    const shifted = await page(0);
    assert.deepEqual(shifted, ['A-FIRST', first[0]], 'a new record with the smallest key lists first');
    const all = (await call('GET', `${V24}/Customer?$select=CustomerID`)).body.map(
      (c: any) => c.CustomerID.value as string,
    );
    assert.deepEqual(all, [...all].sort(), 'primary-key order');

    const recent = encodeURIComponent(
      `LastModifiedDateTime gt datetimeoffset'${new Date(clock).toISOString()}'`,
    );
    const changed = async () =>
      (await call('GET', `${V24}/Customer?$filter=${recent}&$select=CustomerID`)).body.map(
        (c: any) => c.CustomerID.value as string,
      );
    assert.deepEqual(await changed(), []);
    await call('PUT', `${V24}/Customer`, {
      CustomerID: { value: 'C000005' },
      CustomerName: { value: 'Now' },
    });
    assert.deepEqual(await changed(), ['C000005'], 'the same filter again, after a write, sees it');
    await call('DELETE', `${V24}/Customer/C000005`);
    assert.deepEqual(await changed(), []);
  });

  test('after a reset, nothing is found by its old key', async () => {
    app.emulatorAdmin.reset();
    const fresh = await client(app);
    assert.equal((await fresh('GET', `${V24}/Customer/C000001`)).body.exceptionMessage, NOT_FOUND);
    assert.deepEqual((await fresh('GET', `${V24}/Customer`)).body, []);
    const created = await fresh('PUT', `${V24}/Customer`, {
      CustomerID: { value: 'C000001' },
      CustomerName: { value: 'After reset' },
    });
    assert.equal((await fresh('GET', `${V24}/Customer/c000001`)).body.id, created.body.id);
  });
});

describe('emulator key lookups after a restart from its persistence file', () => {
  test('records written before the restart are found by key, and documents can name them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-lookups-'));
    try {
      const persistFile = join(dir, 'emulator.json');
      const first = await buildEmulator({ seed: 'none', persistFile });
      const call1 = await client(first);
      const c = await call1('PUT', `${V24}/Customer`, {
        CustomerID: { value: 'persisted' },
        CustomerName: { value: 'Kept' },
      });
      const item = await call1('PUT', `${V24}/StockItem`, {
        InventoryID: { value: 'KEPTITEM' },
        Description: { value: 'Kept item' },
      });
      assert.equal(item.status, 200);
      await first.close();

      const second = await buildEmulator({ seed: 'none', persistFile });
      try {
        const call2 = await client(second);
        assert.equal((await call2('GET', `${V24}/Customer/%20Persisted`)).body.id, c.body.id);
        const inv = await call2('PUT', `${V24}/Invoice`, {
          Customer: { value: 'persisted' },
          Details: [{ InventoryID: { value: 'keptitem' }, Qty: { value: 1 }, UnitPrice: { value: 3 } }],
        });
        assert.equal(inv.status, 200);
        assert.equal(inv.body.Customer.value, 'PERSISTED');
        const again = await call2('PUT', `${V24}/Customer`, {
          CustomerID: { value: 'PERSISTED' },
          CustomerName: { value: 'Updated after restart' },
        });
        assert.equal(again.body.id, c.body.id);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
