import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { prng } from '../../../emulator/faults';
import { newNode, RecordStore, type StoredRecord } from '../../../emulator/store';
import { ucase, type Plain } from '../../../emulator/values';

const INVOICE_KEYS = ['Type', 'ReferenceNbr'];

function rec(entity: string, values: Record<string, Plain>): StoredRecord {
  return { ...newNode(values), entity };
}

const byId = (r: StoredRecord | undefined): string | undefined => r?.id;

describe('RecordStore key lookups', () => {
  test('keys compare without case and without the blanks around the wanted value', () => {
    const store = new RecordStore();
    const c = rec('Customer', { CustomerID: 'C000001' });
    store.save(c);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['c000001'])), c.id);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['  C000001 '])), c.id);
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['C00000']), undefined);
    // The stored value is not trimmed (as before the index): a padded stored key matches only padded.
    const padded = rec('Customer', { CustomerID: ' PAD ' });
    store.save(padded);
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['PAD']), undefined);
  });

  test('composite keys match on every part (Invoice: type and number)', () => {
    const store = new RecordStore();
    const inv = rec('Invoice', { Type: 'Invoice', ReferenceNbr: 'AR000001' });
    const memo = rec('Invoice', { Type: 'Credit Memo', ReferenceNbr: 'AR000001' });
    store.save(inv);
    store.save(memo);
    assert.equal(byId(store.findByKey('Invoice', INVOICE_KEYS, ['invoice', 'ar000001'])), inv.id);
    assert.equal(byId(store.findByKey('Invoice', INVOICE_KEYS, ['Credit Memo', 'AR000001'])), memo.id);
    assert.equal(store.findByKey('Invoice', INVOICE_KEYS, ['Invoice', 'AR000002']), undefined);
    assert.equal(store.findByKey('Invoice', INVOICE_KEYS, ['Invoice']), undefined, 'a part missing');
    // A separator inside a value cannot make two different keys collide.
    const odd = rec('Invoice', { Type: 'A\u0000B', ReferenceNbr: 'C' });
    store.save(odd);
    assert.equal(store.findByKey('Invoice', INVOICE_KEYS, ['A', 'B\u0000C']), undefined);
    assert.equal(byId(store.findByKey('Invoice', INVOICE_KEYS, ['a\u0000b', 'c'])), odd.id);
  });

  test('a key changed by a save is found by its new value and no longer by its old one', () => {
    const store = new RecordStore();
    const c = rec('Customer', { CustomerID: 'OLD', CustomerName: 'Acme' });
    store.save(c);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['old'])), c.id);
    // The engine saves a changed copy under the same id.
    store.save({ ...structuredClone(c), values: { ...c.values, CustomerID: 'NEW' } });
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['OLD']), undefined);
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['new'])?.values.CustomerName, 'Acme');
    // A record changed in place, then saved (the admin API, a released price worksheet).
    const stored = store.get('Customer', c.id)!;
    stored.values.CustomerID = 'NEWER';
    store.save(stored);
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['NEW']), undefined);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['NEWER'])), c.id);
  });

  test('a record changed in place without a save is never returned under its old key', () => {
    const store = new RecordStore();
    const c = rec('Customer', { CustomerID: 'C1' });
    store.save(c);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['C1'])), c.id);
    c.values.CustomerID = 'C2';
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['C1']), undefined);
    // Once looked at, it is filed under the key it holds now.
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['C2'])), c.id);
  });

  test('deleted records are not found; a new record may take their key', () => {
    const store = new RecordStore();
    const a = rec('StockItem', { InventoryID: 'PUMP01' });
    store.save(a);
    assert.equal(byId(store.findByKey('StockItem', ['InventoryID'], ['pump01'])), a.id);
    assert.equal(store.delete('StockItem', a.id), true);
    assert.equal(store.findByKey('StockItem', ['InventoryID'], ['PUMP01']), undefined);
    const b = rec('StockItem', { InventoryID: 'Pump01' });
    store.save(b);
    assert.equal(byId(store.findByKey('StockItem', ['InventoryID'], ['PUMP01'])), b.id);
  });

  test('of several records with one key, the first inserted one is found, then the next', () => {
    const store = new RecordStore();
    const first = rec('Customer', { CustomerID: 'DUP' });
    const second = rec('Customer', { CustomerID: 'dup' });
    store.save(first);
    store.save(second);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['DUP'])), first.id);
    store.save({ ...first }); // an update keeps its place in insertion order
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['DUP'])), first.id);
    store.delete('Customer', first.id);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['DUP'])), second.id);
    store.save(first); // back, but now inserted after the second
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['DUP'])), second.id);
  });

  test('records with empty or missing key values are found by an empty key', () => {
    const store = new RecordStore();
    const none = rec('StockItem', { Description: 'no id' });
    store.save(none);
    assert.equal(byId(store.findByKey('StockItem', ['InventoryID'], ['  '])), none.id);
    assert.equal(byId(store.findByKey('SalesPricesInquiry', [], [])), undefined);
    const any = rec('SalesPricesInquiry', {});
    store.save(any);
    assert.equal(byId(store.findByKey('SalesPricesInquiry', [], [])), any.id, 'no key fields: the first');
  });

  test('clear forgets every record and its index', () => {
    const store = new RecordStore();
    const c = rec('Customer', { CustomerID: 'C1' });
    store.save(c);
    assert.ok(store.findByKey('Customer', ['CustomerID'], ['C1']));
    store.clear();
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['C1']), undefined);
    assert.deepEqual(
      store.list('Customer', (r) => String(r.values.CustomerID)),
      [],
    );
    const again = rec('Customer', { CustomerID: 'C1' });
    store.save(again);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['c1'])), again.id);
  });

  test('records filled in after their save inside a batch (seeding) are found by their final key', () => {
    const store = new RecordStore();
    const early = rec('Customer', { CustomerID: 'EARLY' });
    store.save(early);
    assert.ok(store.findByKey('Customer', ['CustomerID'], ['EARLY']), 'index built before the batch');
    const seeded = store.batch(() => {
      const r = rec('Customer', {});
      store.save(r);
      r.values.CustomerID = 'SEEDED';
      early.values.CustomerID = 'RENAMED';
      return r;
    });
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['seeded'])), seeded.id);
    assert.equal(byId(store.findByKey('Customer', ['CustomerID'], ['renamed'])), early.id);
    assert.equal(store.findByKey('Customer', ['CustomerID'], ['EARLY']), undefined);
  });

  test('a persisted store reloads with working lookups, and later writes keep them right', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-store-'));
    try {
      const file = join(dir, 'store.json');
      const first = new RecordStore(file);
      const inv = rec('Invoice', { Type: 'Invoice', ReferenceNbr: 'AR000007' });
      const cust = rec('Customer', { CustomerID: 'C000001' });
      first.save(inv);
      first.save(cust);
      first.save(rec('Customer', { CustomerID: 'C000002' }));
      assert.ok(first.findByKey('Customer', ['CustomerID'], ['C000001']));

      const reloaded = new RecordStore(file);
      assert.equal(byId(reloaded.findByKey('Invoice', INVOICE_KEYS, ['INVOICE', 'ar000007'])), inv.id);
      assert.equal(byId(reloaded.findByKey('Customer', ['CustomerID'], [' c000001'])), cust.id);
      reloaded.delete('Customer', cust.id);
      reloaded.save({ ...inv, values: { ...inv.values, ReferenceNbr: 'AR000008' } });
      assert.equal(reloaded.findByKey('Customer', ['CustomerID'], ['C000001']), undefined);
      assert.equal(reloaded.findByKey('Invoice', INVOICE_KEYS, ['Invoice', 'AR000007']), undefined);
      assert.equal(byId(reloaded.findByKey('Invoice', INVOICE_KEYS, ['Invoice', 'AR000008'])), inv.id);

      const third = new RecordStore(file);
      assert.equal(third.findByKey('Customer', ['CustomerID'], ['C000001']), undefined);
      assert.equal(byId(third.findByKey('Invoice', INVOICE_KEYS, ['Invoice', 'AR000008'])), inv.id);
      assert.equal(third.counts().Customer, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RecordStore list order and derived values', () => {
  const order = (r: StoredRecord): string => String(r.values.CustomerID ?? '');
  const ids = (list: readonly StoredRecord[]): string[] => list.map((r) => String(r.values.CustomerID));

  test('lists come in key order (ties in insertion order) and follow every write', () => {
    const store = new RecordStore();
    for (const id of ['C3', 'C1', 'C2']) store.save(rec('Customer', { CustomerID: id, Tag: 'first' }));
    store.save(rec('Customer', { CustomerID: 'C1', Tag: 'second' }));
    const listed = store.list('Customer', order);
    assert.deepEqual(ids(listed), ['C1', 'C1', 'C2', 'C3']);
    assert.deepEqual(
      listed.map((r) => r.values.Tag),
      ['first', 'second', 'first', 'first'],
    );
    assert.equal(store.list('Customer', order), listed, 'the order is kept while nothing is written');

    store.save(rec('Customer', { CustomerID: 'C0' }));
    assert.deepEqual(ids(store.list('Customer', order)), ['C0', 'C1', 'C1', 'C2', 'C3']);
    const c3 = store.list('Customer', order).at(-1)!;
    store.save({ ...c3, values: { ...c3.values, CustomerID: 'B9' } });
    assert.deepEqual(ids(store.list('Customer', order)), ['B9', 'C0', 'C1', 'C1', 'C2']);
    store.delete('Customer', c3.id);
    assert.deepEqual(ids(store.list('Customer', order)), ['C0', 'C1', 'C1', 'C2']);
    // Another order function is another order, not the cached one.
    const byTag = store.list('Customer', (r) => String(r.values.Tag ?? 'z'));
    assert.equal(byTag[0]!.values.Tag, 'first');
    assert.equal(byTag.at(-1)!.values.Tag, undefined);
  });

  test('derived values are computed once between writes, and again after one', () => {
    const store = new RecordStore();
    store.save(rec('Customer', { CustomerID: 'C1' }));
    let runs = 0;
    const count = (): number =>
      store.derived('Customer', 'count', () => (++runs, store.all('Customer').length));
    assert.equal(count(), 1);
    assert.equal(count(), 1);
    assert.equal(runs, 1);
    store.save(rec('Customer', { CustomerID: 'C2' }));
    assert.equal(count(), 2);
    assert.equal(runs, 2);
    store.save(rec('Vendor', { VendorID: 'V1' }));
    assert.equal(count(), 2);
    assert.equal(runs, 2, 'a write to another entity keeps it');
    assert.throws(() =>
      store.derived('Customer', 'bad', () => {
        throw new Error('boom');
      }),
    );
    assert.equal(
      store.derived('Customer', 'bad', () => 'computed after a throw'),
      'computed after a throw',
    );
  });
});

describe('RecordStore against a plain scan', () => {
  test('after any mix of writes, lookups and lists answer what scanning every record answers', () => {
    const rand = prng(20261201);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const store = new RecordStore();
    // What the store answered before the index: the first record in insertion order whose values match.
    const scan = (fields: string[], values: string[]): StoredRecord | undefined => {
      const want = values.map((v) => v.trim().toUpperCase());
      return store.find('Invoice', (r) => fields.every((k, i) => ucase(r.values[k]) === want[i]));
    };
    const order = (r: StoredRecord): string =>
      `${String(r.values.Type ?? '')}\u0000${String(r.values.ReferenceNbr ?? '')}`;
    const sorted = (): StoredRecord[] =>
      store.all('Invoice').sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const types = ['Invoice', 'invoice', 'Credit Memo', ' Invoice'];
    const numbers = ['AR1', 'ar1', 'AR2', 'AR3 ', '', 'ÄR4'];
    let lookups = 0;
    for (let step = 0; step < 3000; step++) {
      const r = rand();
      const existing = store.all('Invoice');
      if (r < 0.3 || existing.length === 0) {
        store.save(rec('Invoice', { Type: pick(types), ReferenceNbr: pick(numbers) }));
      } else if (r < 0.45) {
        const target = pick(existing);
        store.save({ ...structuredClone(target), values: { ...target.values, ReferenceNbr: pick(numbers) } });
      } else if (r < 0.55) {
        const target = pick(existing);
        target.values.Type = pick(types);
        store.save(target);
      } else if (r < 0.65) {
        store.delete('Invoice', pick(existing).id);
      } else if (r < 0.67) {
        store.batch(() => {
          const added = rec('Invoice', {});
          store.save(added);
          added.values.ReferenceNbr = pick(numbers);
          added.values.Type = pick(types);
        });
      } else if (r < 0.68) {
        store.clear();
      } else if (r < 0.9) {
        const want = [pick(types), pick(numbers)];
        lookups++;
        assert.equal(
          store.findByKey('Invoice', INVOICE_KEYS, want)?.id,
          scan(INVOICE_KEYS, want)?.id,
          `step ${step}: ${JSON.stringify(want)}`,
        );
        const one = [pick(numbers)];
        assert.equal(store.findByKey('Invoice', ['ReferenceNbr'], one)?.id, scan(['ReferenceNbr'], one)?.id);
      } else {
        assert.deepEqual(
          store.list('Invoice', order).map((x) => x.id),
          sorted().map((x) => x.id),
          `step ${step}: list order`,
        );
      }
    }
    assert.ok(lookups > 500, 'the mix looked keys up often');
  });
});
