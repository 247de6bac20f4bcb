/**
 * Scenario 10: no confirmed edit is ever lost. Thousands of PATCHes through the real HTTP API (each then
 * "Export to Acumatica") race runs that push and pull the same records (the API and the worker process both
 * writing), while ERP users edit other customers in Acumatica so pulls write too. Then a final run.
 * Checked: every acknowledged edit is in the store (`lostEdits` 0); every PATCH answer is exactly the
 * record as stored at its revision (`staleAnswers` 0); every marked-and-edited record ends `synced` with
 * its last saved content in Acumatica; every ERP edit reached our record.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntityType } from '../../../core/entities';
import type { StoredRecord } from '../../../emulator';
import { bearer } from '../../faults/api';
import { acumaticaKey, acumaticaRecords, allRecords, assertClean, checkAccount } from '../../faults/checks';
import { figures, report, volume, waitForNoRun } from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite } from '../../faults/suite';
import { createMarked, customerInput, invoiceInput, productInput } from '../../helpers/records';

/** The fields the API edits, per type, with a unique value for edit `i` and Acumatica's copy of it. */
const EDITS = {
  customers: {
    name: {
      value: (i: number) => `Customer edit ${i}`,
      acumatica: (d: StoredRecord) => d.values.CustomerName,
    },
    phone: {
      value: (i: number) => `555-${String(i).padStart(6, '0')}`,
      acumatica: (d: StoredRecord) => d.linked.MainContact?.values.Phone1,
    },
  },
  invoices: {
    description: {
      value: (i: number) => `Invoice edit ${i}`,
      acumatica: (d: StoredRecord) => d.values.Description,
    },
    dueDate: {
      value: (i: number) => new Date(Date.UTC(2025, 2, 5 + i)).toISOString().slice(0, 10),
      acumatica: (d: StoredRecord) => String(d.values.DueDate ?? '').slice(0, 10),
    },
    lines: {
      // An array of objects, replaced whole; Acumatica must hold exactly the one line, not an old one.
      value: (i: number) => [{ productId: '', quantity: i + 1, unitPrice: 25 }],
      acumatica: (d: StoredRecord) => (d.details.Details ?? []).map((l) => l.values.Qty),
    },
  },
} as const;
type EditedType = keyof typeof EDITS;

/** What a field of a record holds, as we compare it with Acumatica's (lines: their quantities). */
function comparable(field: string, value: unknown): unknown {
  if (field === 'lines') return ((value as { quantity: number }[] | undefined) ?? []).map((l) => l.quantity);
  return value;
}

interface Answer {
  rev: number;
  field: string;
  value: unknown;
  body: Record<string, unknown>;
}

describe('faults: lost edits', () => {
  const suite = useFaultSuite('lost-edits', { worker: { pageSize: 10 }, api: true });

  test(
    'API edits racing pushes and pulls: no acknowledged edit lost, no stale answer, Acumatica ends with the last save',
    { timeout },
    async () => {
      const { stack, api } = suite;
      const emulator = await suite.emulator();
      const types: EntityType[] = ['customers', 'products', 'invoices'];
      const account = await suite.account(emulator, types);
      const headers = bearer(account.apiKey);
      const base = `/accounts/${account.id}/records`;

      // A few hundred records: customers (half edited through the API, half in Acumatica), invoices.
      const nCustomers = volume(80, 300);
      const nInvoices = volume(60, 240);
      const customers: string[] = [];
      const products: string[] = [];
      const invoices: string[] = [];
      for (let i = 0; i < nCustomers; i++)
        customers.push((await createMarked(stack.store, account.id, 'customers', customerInput()))._id);
      for (let i = 0; i < 8; i++)
        products.push((await createMarked(stack.store, account.id, 'products', productInput()))._id);
      for (let i = 0; i < nInvoices; i++) {
        const input = invoiceInput(customers[i % customers.length]!, products[i % products.length]!);
        invoices.push((await createMarked(stack.store, account.id, 'invoices', input))._id);
      }
      const started = Date.now();
      const baseline = await suite.run(account.id, timeout);
      const baselineSeconds = (Date.now() - started) / 1000;
      assert.equal(baseline.totals.failed, 0, 'the baseline run pushes every record');

      const apiEdited = new Map<string, EditedType>([
        ...customers.filter((_, i) => i % 2 === 0).map((id) => [id, 'customers'] as const),
        ...invoices.map((id) => [id, 'invoices'] as const),
      ]);
      const erpEdited = customers.filter((_, i) => i % 2 === 1);
      const targets = [...apiEdited.keys()];
      const erpDocs = new Map<string, string>();
      for (const id of erpEdited) {
        const record = (await stack.store.records.customers.get(account.id, id))!;
        const doc = emulator.admin
          .records('Customer')
          .find((r) => r.values.CustomerID === record.sync.externalId);
        if (!doc)
          throw new Error(`customer ${record.sync.externalId} is not in Acumatica after the baseline`);
        erpDocs.set(id, doc.id);
      }

      // The storm: PATCH + export through the API, ERP edits in between, runs back to back meanwhile.
      // Every tenth request is an ERP edit: 2,025 API edits and 225 ERP edits in the quick form.
      const total = volume(2_250, 9_000);
      const clients = 10;
      const answers = new Map<string, Answer[]>();
      const statuses = new Map<number, number>();
      const serverErrors: string[] = [];
      const lastErpName = new Map<string, string>();
      let sent = 0;
      let erpEdits = 0;
      let stormDone = false;
      const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

      const one = async (i: number) => {
        if (i % 10 === 9) {
          const id = erpEdited[i % erpEdited.length]!;
          const name = `ERP edit ${i}`;
          emulator.admin.editRecord('Customer', erpDocs.get(id)!, { CustomerName: name });
          lastErpName.set(id, name);
          erpEdits += 1;
          return;
        }
        const id = targets[Math.floor(Math.random() * targets.length)]!;
        const type = apiEdited.get(id)!;
        const fields = Object.keys(EDITS[type]);
        const field = fields[i % fields.length]!;
        let value = (EDITS[type] as Record<string, { value: (i: number) => unknown }>)[field]!.value(i);
        if (field === 'lines')
          value = [{ ...(value as object[])[0], productId: products[i % products.length] }];
        const res = await api.app.inject({
          method: 'PATCH',
          url: `${base}/${type}/${id}`,
          headers,
          payload: { [field]: value },
        });
        count(res.statusCode);
        if (res.statusCode >= 500)
          serverErrors.push(`PATCH ${id}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode !== 200) return;
        const body = res.json<Record<string, unknown>>();
        assert.equal(res.headers.etag, `"${String(body.rev)}"`, 'the ETag is the revision answered');
        const list = answers.get(id) ?? [];
        list.push({ rev: body.rev as number, field, value, body });
        answers.set(id, list);
        const marked = await api.app.inject({ method: 'POST', url: `${base}/${type}/${id}/export`, headers });
        count(marked.statusCode);
        if (marked.statusCode >= 500) serverErrors.push(`export ${id}: ${marked.statusCode}`);
      };

      const runs: { pushed: number; pulled: number }[] = [];
      const runner = (async () => {
        while (!stormDone) {
          const summary = await suite.run(account.id, timeout / 2);
          runs.push({ pushed: summary.totals.pushed, pulled: summary.totals.pulled });
        }
      })();
      // Runs go back to back from the first request to the last: every push and pull races the edits.
      const stormStarted = Date.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (sent < total) await one(sent++);
        }),
      );
      stormDone = true;
      const stormSeconds = (Date.now() - stormStarted) / 1000;
      await runner;
      await waitForNoRun(stack.client, account.id, timeout / 2);
      const finalStarted = Date.now();
      const final = await suite.run(account.id, timeout / 2);
      const finalSeconds = (Date.now() - finalStarted) / 1000;

      // lostEdits: per record and field, the acknowledged edit with the highest revision is what is stored.
      const problems: string[] = [];
      const problem = (line: string) => {
        if (problems.length < 20) problems.push(line);
      };
      let lostEdits = 0;
      let staleAnswers = 0;
      let acumaticaMismatches = 0;
      const stored = new Map<string, Record<string, unknown>>();
      for (const type of ['customers', 'invoices'] as const) {
        for (const r of await allRecords(stack.store, account.id, type))
          stored.set(r._id, r as unknown as Record<string, unknown>);
      }
      const docsByKey = new Map<string, StoredRecord>();
      for (const type of ['customers', 'invoices'] as const)
        for (const d of acumaticaRecords(emulator.admin, type))
          docsByKey.set(`${type}/${acumaticaKey(type, d)}`, d);

      for (const [id, list] of answers) {
        const type = apiEdited.get(id)!;
        const record = stored.get(id)!;
        const sorted = [...list].sort((a, b) => a.rev - b.rev);
        // staleAnswers: revisions are unique, and an answer at revision r shows every acknowledged edit up
        // to r and none after (only the API writes these records' business fields).
        const latest = new Map<string, unknown>();
        for (const [index, answer] of sorted.entries()) {
          latest.set(answer.field, answer.value);
          const duplicateRev = index > 0 && sorted[index - 1]!.rev === answer.rev;
          const wrong = [...latest].filter(
            ([field, value]) => !isSame(comparable(field, answer.body[field]), comparable(field, value)),
          );
          if (duplicateRev || wrong.length > 0) {
            staleAnswers += 1;
            problem(
              `${id} answer at rev ${answer.rev}: ${duplicateRev ? 'revision answered twice' : `shows ${wrong.map(([f]) => f).join(', ')} not as saved`}`,
            );
          }
        }
        for (const [field, value] of latest) {
          if (!isSame(comparable(field, record[field]), comparable(field, value))) {
            lostEdits += 1;
            problem(
              `${id}.${field}: stored ${JSON.stringify(record[field])}, last acknowledged ${JSON.stringify(value)}`,
            );
          }
          // Acumatica ends with the last saved content.
          const sync = record.sync as { state: string; externalId?: string };
          const doc = docsByKey.get(`${type}/${String(sync.externalId ?? '').toUpperCase()}`);
          const theirs = doc
            ? (EDITS[type] as Record<string, { acumatica: (d: StoredRecord) => unknown }>)[field]!.acumatica(
                doc,
              )
            : undefined;
          if (sync.state !== 'synced' || !isSame(theirs, comparable(field, record[field]))) {
            acumaticaMismatches += 1;
            problem(
              `${id}.${field}: ${sync.state}, Acumatica ${JSON.stringify(theirs)}, ours ${JSON.stringify(comparable(field, record[field]))}`,
            );
          }
        }
      }
      // ERP edits: the last one of each customer reached our record through a pull.
      for (const [id, name] of lastErpName) {
        const record = stored.get(id)!;
        if (record.name !== name) {
          lostEdits += 1;
          problem(`${id}: the ERP edit "${name}" did not reach our record ("${String(record.name)}")`);
        }
      }

      const tally = await checkAccount(stack.store, account.id, emulator.admin, ['customers', 'invoices']);
      tally.lost += acumaticaMismatches;
      const acknowledged = [...answers.values()].reduce((n, l) => n + l.length, 0);
      const result = figures(
        'lost-edits',
        tally,
        {
          requests: sent,
          patches: sent - erpEdits,
          acknowledged,
          erpEdits,
          records: customers.length + products.length + invoices.length,
          concurrentClients: clients,
          runsDuringEdits: runs.length,
        },
        {
          lostEdits,
          staleAnswers,
          acumaticaMismatches,
          statuses: Object.fromEntries(statuses),
          serverErrors: serverErrors.slice(0, 5),
          pushedDuringEdits: runs.reduce((n, r) => n + r.pushed, 0),
          pulledDuringEdits: runs.reduce((n, r) => n + r.pulled, 0),
          finalRun: final.totals,
          seconds: { baseline: baselineSeconds, edits: stormSeconds, finalRun: finalSeconds },
          problems,
        },
      );
      result.lostEdits = lostEdits;
      result.staleAnswers = staleAnswers;
      result.passed &&= lostEdits === 0 && staleAnswers === 0 && serverErrors.length === 0;
      report(result);

      assert.deepEqual(serverErrors, [], 'no request answered with a 5xx');
      assert.ok(acknowledged >= total / 2, `most PATCHes were acknowledged (${acknowledged})`);
      assert.ok(runs.length >= 1, 'runs pushed and pulled during the edits');
      assert.equal(lostEdits, 0, `no acknowledged edit is lost:\n${problems.join('\n')}`);
      assert.equal(
        staleAnswers,
        0,
        `every answer is the record as stored at its revision:\n${problems.join('\n')}`,
      );
      assert.equal(acumaticaMismatches, 0, `Acumatica holds the last saved content:\n${problems.join('\n')}`);
      assertClean(tally);
    },
  );
});

/** Deep equality of JSON-like values (the API answers dates as strings, the store as the same strings). */
function isSame(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
