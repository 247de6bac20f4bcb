import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { conflictNote, mergeViews, sameValue, type MergeOptions } from '../../../core/merge';

/**
 * Random sequences of edits on both sides of a record (header fields, an address, lines), with sync rounds
 * between: each round merges both sides against the base and both sides then hold the result, as a pull or
 * push does. fast-check prints the seed and the shrunk counterexample on failure (re-run with `seed`).
 */

type Line = { item: string; quantity: number; description?: string };
type View = {
  name?: string;
  email?: string;
  phone?: string;
  address?: { city?: string; postalCode?: string };
  lines: Line[];
};

const SCALARS = ['name', 'email', 'phone'] as const;
const ADDRESS = ['city', 'postalCode'] as const;
const ITEMS = ['A', 'B', 'C', 'D', 'E', 'F'];
const LINES: MergeOptions['lines'] = { fields: ['lines'], key: (line) => String(line.item) };

type Edit =
  | { kind: 'scalar'; field: (typeof SCALARS)[number]; value: string | undefined }
  | { kind: 'address'; field: (typeof ADDRESS)[number]; value: string | undefined }
  | { kind: 'add-line'; item: string; quantity: number }
  | { kind: 'delete-line'; index: number }
  | { kind: 'change-line'; index: number; quantity: number };

const value = fc.option(fc.constantFrom('x', 'y', 'z', 'w'), { nil: undefined });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('scalar' as const), field: fc.constantFrom(...SCALARS), value }),
  fc.record({ kind: fc.constant('address' as const), field: fc.constantFrom(...ADDRESS), value }),
  fc.record({
    kind: fc.constant('add-line' as const),
    item: fc.constantFrom(...ITEMS),
    quantity: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant('delete-line' as const), index: fc.nat(5) }),
  fc.record({
    kind: fc.constant('change-line' as const),
    index: fc.nat(5),
    quantity: fc.integer({ min: 1, max: 4 }),
  }),
);
const round = fc.record({
  local: fc.array(edit, { maxLength: 4 }),
  acumatica: fc.array(edit, { maxLength: 4 }),
  // Minutes: equal times happen often, so the tie rule is exercised.
  localAt: fc.integer({ min: 0, max: 3 }),
  acumaticaAt: fc.integer({ min: 0, max: 3 }),
});

function apply(view: View, edits: readonly Edit[]): View {
  const out: View = structuredClone(view);
  for (const e of edits) {
    if (e.kind === 'scalar') {
      if (e.value === undefined) delete out[e.field];
      else out[e.field] = e.value;
    } else if (e.kind === 'address') {
      const address = { ...out.address };
      if (e.value === undefined) delete address[e.field];
      else address[e.field] = e.value;
      if (Object.keys(address).length === 0) delete out.address;
      else out.address = address;
    } else if (e.kind === 'add-line') {
      // One line per item, so a test can name a line by its item.
      if (!out.lines.some((l) => l.item === e.item)) out.lines.push({ item: e.item, quantity: e.quantity });
    } else if (e.kind === 'delete-line') {
      out.lines.splice(e.index % Math.max(out.lines.length, 1), 1);
    } else {
      const line = out.lines[e.index % Math.max(out.lines.length, 1)];
      if (line) line.quantity = e.quantity;
    }
  }
  return out;
}

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
const START: View = { name: 'Acme', address: { city: 'Austin' }, lines: [{ item: 'A', quantity: 1 }] };

function leaf(view: View, path: string): unknown {
  const [head, sub] = path.split('.') as [keyof View, string | undefined];
  const v = view[head];
  return sub === undefined ? v : (v as Record<string, unknown> | undefined)?.[sub];
}
const LEAVES = [...SCALARS, ...ADDRESS.map((f) => `address.${f}`)];

describe('three-way merge (property)', () => {
  it('converges, keeps one-sided changes, decides conflicts by the later time with a note, and a quiet round changes nothing', () => {
    fc.assert(
      fc.property(fc.array(round, { minLength: 1, maxLength: 6 }), (rounds) => {
        let base: View = START;
        for (const r of rounds) {
          const local = apply(base, r.local);
          const acumatica = apply(base, r.acumatica);
          const options = { localAt: at(r.localAt), acumaticaAt: at(r.acumaticaAt), lines: LINES };
          const result = mergeViews(base, local, acumatica, options);
          const merged = result.merged as View;
          const winner = r.acumaticaAt >= r.localAt ? 'acumatica' : 'local';

          for (const path of LEAVES) {
            const b = leaf(base, path);
            const l = leaf(local, path);
            const a = leaf(acumatica, path);
            const m = leaf(merged, path);
            const conflict = result.conflicts.find((c) => c.field === path);
            if (sameValue(l, a)) {
              assert.deepEqual(m, l, `${path}: both sides agree`);
              assert.equal(conflict, undefined, `${path}: no conflict when both agree`);
            } else if (sameValue(l, b)) {
              assert.deepEqual(m, a, `${path}: changed in Acumatica only`);
            } else if (sameValue(a, b)) {
              assert.deepEqual(m, l, `${path}: changed locally only`);
            } else {
              assert.ok(conflict, `${path}: a conflict is reported`);
              assert.deepEqual(conflict.local, l);
              assert.deepEqual(conflict.acumatica, a);
              assert.equal(conflict.winner, winner);
              assert.deepEqual(m, winner === 'local' ? l : a, `${path}: the later side wins`);
              const note = conflictNote(conflict);
              assert.ok(note.startsWith(path), note);
            }
          }

          // Lines by item (one line per item on each side).
          for (const item of ITEMS) {
            const find = (v: View) => v.lines.find((x) => x.item === item);
            const [b, l, a, m] = [find(base), find(local), find(acumatica), find(merged)];
            if (sameValue(l, a)) assert.deepEqual(m, l, `line ${item}: both sides agree`);
            else if (sameValue(l, b)) assert.deepEqual(m, a, `line ${item}: changed in Acumatica only`);
            else if (sameValue(a, b)) assert.deepEqual(m, l, `line ${item}: changed locally only`);
            else if (l && a && b) {
              assert.equal(
                m?.quantity,
                winner === 'local' ? l.quantity : a.quantity,
                `line ${item}: later wins`,
              );
              assert.ok(result.conflicts.some((c) => c.field.endsWith('.quantity')));
            }
          }

          assert.equal(result.changesLocal, !sameValue(merged, local));
          assert.equal(result.changesAcumatica, !sameValue(merged, acumatica));

          // Both sides now hold the merge: a quiet round finds nothing to write or send.
          const quiet = mergeViews(merged, merged, merged, options);
          assert.equal(quiet.changesLocal, false);
          assert.equal(quiet.changesAcumatica, false);
          assert.deepEqual(quiet.conflicts, []);
          base = merged;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a side without changes takes the other side whole, with no conflict whatever the times', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), fc.integer({ min: 0, max: 3 }), (edits, minutes) => {
        const changed = apply(START, edits);
        for (const [local, acumatica] of [
          [START, changed],
          [changed, START],
        ] as const) {
          const result = mergeViews(START, local, acumatica, {
            localAt: at(minutes),
            acumaticaAt: at(3 - minutes),
            lines: LINES,
          });
          assert.deepEqual(result.merged, JSON.parse(JSON.stringify(changed)));
          assert.deepEqual(result.conflicts, []);
        }
      }),
    );
  });
});

describe('three-way merge (examples)', () => {
  const times = { localAt: at(1), acumaticaAt: at(2), lines: LINES };

  it('takes a field from each side and leaves fields Acumatica does not hold to the caller', () => {
    const base = { name: 'Acme', email: 'a@x.test', address: { city: 'Austin', postalCode: '78701' } };
    const local = { ...base, address: { city: 'Austin', postalCode: '78702' } };
    const theirs = { ...base, name: 'Acme Corp', email: 'b@x.test' };
    const result = mergeViews(base, local, theirs, times);
    assert.deepEqual(result.merged, {
      name: 'Acme Corp',
      email: 'b@x.test',
      address: { city: 'Austin', postalCode: '78702' },
    });
    assert.equal(result.changesLocal, true);
    assert.equal(result.changesAcumatica, true);
    assert.deepEqual(result.conflicts, []);
  });

  it('reports a same-field conflict with both values; equal times go to Acumatica', () => {
    const result = mergeViews(
      { phone: '1' },
      { phone: '2' },
      { phone: '3' },
      { localAt: at(2), acumaticaAt: at(2) },
    );
    assert.deepEqual(result.merged, { phone: '3' });
    assert.deepEqual(result.conflicts, [{ field: 'phone', local: '2', acumatica: '3', winner: 'acumatica' }]);
    assert.equal(
      conflictNote(result.conflicts[0]!),
      `phone was changed on both sides: here "2", in Acumatica "3"; Acumatica's newer change was kept`,
    );
  });

  it('merges lines: added on each side, deleted on one side, changed per field', () => {
    const base = {
      lines: [
        { item: 'A', quantity: 1, unitPrice: 10 },
        { item: 'B', quantity: 1, unitPrice: 20 },
        { item: 'C', quantity: 1, unitPrice: 30 },
      ],
    };
    const local = {
      lines: [
        { item: 'A', quantity: 5, unitPrice: 10 },
        { item: 'C', quantity: 1, unitPrice: 30 },
        { item: 'L', quantity: 1, unitPrice: 1 },
      ],
    };
    const theirs = {
      lines: [
        { item: 'A', quantity: 1, unitPrice: 12 },
        { item: 'B', quantity: 1, unitPrice: 20 },
        { item: 'C', quantity: 1, unitPrice: 30 },
        { item: 'R', quantity: 2, unitPrice: 2 },
      ],
    };
    const result = mergeViews(base, local, theirs, times);
    assert.deepEqual(result.merged.lines, [
      { item: 'A', quantity: 5, unitPrice: 12 },
      { item: 'C', quantity: 1, unitPrice: 30 },
      { item: 'L', quantity: 1, unitPrice: 1 },
      { item: 'R', quantity: 2, unitPrice: 2 },
    ]);
    assert.deepEqual(result.conflicts, []);
  });

  it('a line deleted on one side and changed on the other is decided by the later time', () => {
    const base = { lines: [{ item: 'A', quantity: 1 }] };
    const result = mergeViews(base, { lines: [] }, { lines: [{ item: 'A', quantity: 3 }] }, times);
    assert.deepEqual(result.merged.lines, [{ item: 'A', quantity: 3 }]);
    assert.deepEqual(result.conflicts, [
      { field: 'lines[1]', local: undefined, acumatica: { item: 'A', quantity: 3 }, winner: 'acumatica' },
    ]);
  });
});
