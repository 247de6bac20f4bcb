import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAPPERS, VIEW_MERGE, type PulledFields } from '../../../acumatica/mappers';
import type { EntityType } from '../../../core/entities';
import { conflictNote, plainView } from '../../../core/merge';
import { baseAfterPull } from '../../../core/merge-record';
import type { RecordTypes } from '../../../core/records';
import { decidePullMerge } from '../../../core/sync-state';
import { acumaticaCustomer, acumaticaServiceOrder, pullContext, SETTINGS, stored } from './fixtures';

/**
 * The field-level merge of a pull on real-shaped records, through the mappers' views: what a pull writes
 * onto our record (docs/sync-rules.md, "Field-level merge").
 */

const t = (minute: number) => new Date(Date.UTC(2025, 2, 5, 12, minute));

function pulled<T extends EntityType>(entity: T, raw: Record<string, unknown>): PulledFields<T> {
  const result = MAPPERS[entity].pull?.(raw, pullContext());
  assert.ok(result?.kind === 'record');
  return result.fields;
}

const view = <T extends EntityType>(entity: T, fields: PulledFields<T> | RecordTypes[T]) =>
  plainView(MAPPERS[entity].comparable!(fields, SETTINGS));

/** Our record as stored after the last sync of `fields` (base = its view), then edited by `edit`. */
function syncedThenEdited<T extends EntityType>(
  entity: T,
  fields: PulledFields<T>,
  edit: (record: RecordTypes[T]) => void,
  editedAt = t(1),
) {
  const record = stored(entity, { ...fields } as never, { externalId: 'K' });
  const base = view(entity, record);
  edit(record);
  record.updatedAt = editedAt;
  return { record, base };
}

function decide<T extends EntityType>(
  entity: T,
  local: { record: RecordTypes[T]; base: Record<string, unknown> | undefined },
  theirs: PulledFields<T>,
  modifiedAt = t(2),
) {
  const {
    _id: _,
    accountId: _a,
    externalRef: _e,
    createdAt: _c,
    updatedAt,
    rev: _r,
    sync: _s,
    notes: _n,
    ...fields
  } = local.record;
  return decidePullMerge(
    {
      updatedAt,
      sync: {
        lastSyncedAt: t(0),
        lastSyncedHash: 'last',
        acumaticaModifiedAt: t(0),
        ...(local.base ? { base: local.base } : {}),
      },
      fields,
      view: view(entity, local.record),
    },
    { acumaticaModifiedAt: modifiedAt, hash: 'new', fields: theirs, view: view(entity, theirs) },
    VIEW_MERGE,
  );
}

const COORDINATES = { latitude: 39.78, longitude: -89.65 };

describe('pull merge of a customer', () => {
  const original = pulled('customers', acumaticaCustomer());

  it('takes the name and e-mail changed in Acumatica and leaves the coordinates alone', () => {
    const local = syncedThenEdited('customers', original, (r) => {
      r.billingAddress = { ...r.billingAddress, ...COORDINATES };
    });
    const decision = decide('customers', local, {
      ...original,
      name: 'Elm Street Dental Group',
      email: 'front@elmdental.example',
    });
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, { name: 'Elm Street Dental Group', email: 'front@elmdental.example' });
    assert.deepEqual(decision.conflicts, []);
    assert.equal(decision.pending, false);
  });

  it('writes a city changed in Acumatica into our address, keeping its coordinates', () => {
    const local = syncedThenEdited('customers', original, (r) => {
      r.billingAddress = { ...r.billingAddress, ...COORDINATES };
    });
    const decision = decide('customers', local, {
      ...original,
      billingAddress: { ...original.billingAddress, city: 'Chatham' },
    });
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, {
      billingAddress: { ...original.billingAddress, city: 'Chatham', ...COORDINATES },
    });
  });

  it('keeps our phone and takes their name: the record stays pending so the phone goes out', () => {
    const local = syncedThenEdited('customers', original, (r) => {
      r.phone = '+1 555 0199';
    });
    const decision = decide('customers', local, { ...original, name: 'Elm Dental' });
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, { name: 'Elm Dental' });
    assert.equal(decision.pending, true);
  });

  it('gives a field changed on both sides to the later change, with a note naming both values', () => {
    const local = syncedThenEdited('customers', original, (r) => {
      r.name = 'Ours';
    });
    const later = decide('customers', local, { ...original, name: 'Theirs' }, t(2));
    assert.equal(later.action, 'write');
    assert.deepEqual(later.fields, { name: 'Theirs' });
    assert.equal(
      conflictNote(later.conflicts[0]!),
      `name was changed on both sides: here "Ours", in Acumatica "Theirs"; Acumatica's newer change was kept`,
    );
    const earlier = decide(
      'customers',
      { ...local, record: { ...local.record, updatedAt: t(3) } },
      {
        ...original,
        name: 'Theirs',
      },
    );
    assert.equal(earlier.action, 'write');
    assert.deepEqual(earlier.fields, {});
    assert.equal(earlier.pending, true);
    assert.equal(earlier.conflicts[0]?.winner, 'local');
  });

  it('without a base falls back to the whole-record rule, still without touching coordinates', () => {
    const local = syncedThenEdited('customers', original, (r) => {
      r.phone = '+1 555 0199';
      r.billingAddress = { ...r.billingAddress, ...COORDINATES };
    });
    const decision = decide('customers', { ...local, base: undefined }, { ...original, name: 'Elm Dental' });
    assert.equal(decision.action, 'write');
    // Today's rule: Acumatica's newer copy replaces the local phone; the address is not rewritten.
    assert.deepEqual(decision.fields, { name: 'Elm Dental', phone: original.phone });
    assert.equal(decision.overwritesLocalEdit, true);
    assert.equal(decision.pending, false);
  });

  it('writes nothing for content already seen', () => {
    const local = syncedThenEdited('customers', original, () => {});
    const decision = decidePullMerge(
      {
        updatedAt: t(1),
        sync: { lastSyncedHash: 'same', acumaticaModifiedAt: t(0), base: local.base },
        fields: {},
        view: local.base,
      },
      { acumaticaModifiedAt: t(2), hash: 'same', fields: original, view: view('customers', original) },
      VIEW_MERGE,
    );
    assert.deepEqual(decision, { action: 'skip', reason: 'identical' });
  });
});

describe('the worked example of docs/sync-rules.md', () => {
  it('takes name and e-mail, keeps our phone and coordinates, gives terms to the newer side with a note', () => {
    const original = {
      ...pulled('customers', acumaticaCustomer()),
      name: 'Elm Dental',
      email: 'a@elm.example',
      phone: '555 0101',
      terms: '30D',
    };
    const local = syncedThenEdited(
      'customers',
      original,
      (r) => {
        r.phone = '555 0142';
        r.terms = '14D';
        r.billingAddress = { ...r.billingAddress, ...COORDINATES };
      },
      t(5),
    );
    const theirs = { ...original, name: 'Elm Dental LLC', email: 'b@elm.example', terms: '60D' };
    const decision = decide('customers', local, theirs, t(20));
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, { name: 'Elm Dental LLC', email: 'b@elm.example', terms: '60D' });
    assert.equal(decision.pending, true, 'our phone goes out');
    assert.deepEqual(decision.conflicts.map(conflictNote), [
      `terms was changed on both sides: here "14D", in Acumatica "60D"; Acumatica's newer change was kept`,
    ]);

    const ourNewer = decide(
      'customers',
      { ...local, record: { ...local.record, updatedAt: t(25) } },
      theirs,
      t(20),
    );
    assert.equal(ourNewer.action, 'write');
    assert.deepEqual(ourNewer.fields, { name: 'Elm Dental LLC', email: 'b@elm.example' });
    assert.match(conflictNote(ourNewer.conflicts[0]!), /our newer change was kept and goes to Acumatica$/);
  });
});

describe('the base a pull stores', () => {
  it("is the record's view where the view falls back on what only we hold, so no local change is invented", () => {
    const result = MAPPERS.customers.pull?.(
      acumaticaCustomer({ BillingAddressOverride: { value: false }, BillingContact: {} }),
      pullContext(),
    );
    assert.ok(result?.kind === 'record');
    assert.equal(result.fields.billingAddress, undefined, 'Acumatica has no billing address of its own');
    // Created here with the default location (MAIN): our view shows its address as the billing address.
    const created = stored('customers', { ...result.createDefaults, ...result.fields } as never, {
      externalId: 'K',
    });
    const theirs = view('customers', result.fields);
    const base = baseAfterPull(theirs, theirs, view('customers', created));
    assert.deepEqual(base.billingAddress, view('customers', created).billingAddress);

    const renamed = decide('customers', { record: created, base }, { ...result.fields, name: 'Renamed' });
    assert.equal(renamed.action, 'write');
    assert.deepEqual(renamed.fields, { name: 'Renamed' });
    assert.equal(renamed.pending, false, 'nothing of ours to send back');
  });
});

describe('pull merge of work-order lines', () => {
  const original = pulled('work-orders', acumaticaServiceOrder());

  it('keeps our quantity, takes their price and their new line, by line identity', () => {
    assert.equal(original.lines?.length, 2);
    const local = syncedThenEdited('work-orders', original, (r) => {
      r.lines[0]!.quantity = 4;
    });
    const [labour, pump] = original.lines!;
    const theirs = {
      ...original,
      lines: [labour!, { ...pump!, unitPrice: 260 }, { sku: 'FILTER-X', quantity: 2, unitPrice: 5 }],
    };
    const decision = decide('work-orders', local, theirs);
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, {
      lines: [{ ...labour!, quantity: 4 }, { ...pump!, unitPrice: 260 }, theirs.lines[2]],
    });
    assert.equal(decision.pending, true);
    assert.deepEqual(decision.conflicts, []);
  });

  it('deletes a line deleted in Acumatica and unchanged here; keeps a line we added', () => {
    const local = syncedThenEdited('work-orders', original, (r) => {
      r.lines.push({ description: 'Call-out fee', quantity: 1, unitPrice: 50 });
    });
    const [labour, pump] = original.lines!;
    const decision = decide('work-orders', local, { ...original, lines: [pump!] });
    assert.equal(decision.action, 'write');
    assert.deepEqual(decision.fields, {
      lines: [pump, { description: 'Call-out fee', quantity: 1, unitPrice: 50 }],
    });
    assert.ok(labour);
    assert.equal(decision.pending, true);
  });
});
