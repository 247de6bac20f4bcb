/**
 * Near-real-time pulls from Acumatica push notifications, end to end on the real stack: the emulator posts
 * to the API's receiver over loopback HTTP, the receiver signals the account's change workflow, the worker
 * pulls the changed records by key. Faults: duplicates, lost acknowledgements, split pairs, reordering,
 * drops (caught by the next run), a replayed notification, and bad requests.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { ChangesState } from '../../../core/targeted-sync';
import { changesStateQuery } from '../../../workflows/definitions';
import { erpClient } from '../../helpers/erp';
import { bearer, suffix, waitFor } from './helpers';
import { startApiWithWorkers, type ApiWithWorkers } from './with-workers';

let stack: ApiWithWorkers;
let apiUrl: string;
before(async () => {
  stack = await startApiWithWorkers();
  await stack.env.app.listen({ host: '127.0.0.1', port: 0 });
  apiUrl = `http://127.0.0.1:${(stack.env.app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await stack?.close();
});

const inject = (opts: InjectOptions) => stack.env.app.inject(opts);

interface Hooked {
  id: string;
  key: string;
  secret: string;
}

/** An account with a webhook secret, and the emulator's Customer notifications pointed at it. */
async function hookedAccount(): Promise<Hooked> {
  const account = await stack.newAccount({ entityTypes: ['customers'] });
  const rotated = await inject({
    method: 'POST',
    url: `/accounts/${account.id}/webhook/secret`,
    headers: bearer(account.key),
  });
  assert.equal(rotated.statusCode, 201, rotated.body);
  const { secret, headerName, url } = rotated.json<{ secret: string; headerName: string; url: string }>();
  // One destination at a time, no faults left over from another test.
  const push = stack.emulator.admin.pushNotifications;
  push.clear();
  push.setFaults({});
  push.resetStats();
  push.register({
    entity: 'Customer',
    query: 'FS Customers',
    url: `${apiUrl}${url}?entity=customers`,
    header: { name: headerName, value: secret },
    columns: ['CustomerID', 'CustomerName', 'LastModifiedDateTime'],
  });
  return { ...account, secret };
}

/** Creates a customer as an ERP user would (through the entity API); returns its Acumatica GUID. */
async function createErpCustomer(name: string): Promise<string> {
  const client = erpClient(stack.emulator);
  try {
    const saved = await client.put('Customer', {
      CustomerID: { value: `C${suffix().toUpperCase()}` },
      CustomerName: { value: name },
    });
    return saved.id as string;
  } finally {
    await client.close();
  }
}

async function localNames(account: { id: string; key: string }): Promise<Map<string, string>> {
  const res = await inject({
    method: 'GET',
    url: `/accounts/${account.id}/records/customers?limit=500`,
    headers: bearer(account.key),
  });
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json<{ items: { name: string; externalId: string | null }[] }>().items;
  return new Map(items.map((c) => [c.externalId ?? '', c.name]));
}

async function waitForNames(account: { id: string; key: string }, names: string[]): Promise<void> {
  await waitFor(`customers ${names.join(', ')} to arrive`, async () => {
    const local = [...(await localNames(account)).values()];
    return names.every((n) => local.includes(n)) ? true : undefined;
  });
}

async function changesState(accountId: string): Promise<ChangesState> {
  return stack.env.temporal.workflow.getHandle(`changes/${accountId}`).query(changesStateQuery);
}

describe('push notifications', () => {
  it('refuses a request without the secret (401) and a bad payload (400, kept for inspection)', async () => {
    const account = await hookedAccount();
    const url = `/hooks/acumatica/${account.id}`;
    const payload = JSON.stringify({ Inserted: [], Deleted: [], Query: 'customers', Id: 'x', TimeStamp: 1 });
    for (const headers of [{}, { 'x-connector-webhook-secret': 'wrong' }]) {
      const res = await inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 401, res.body);
    }
    const unknown = await inject({
      method: 'POST',
      url: `/hooks/acumatica/acc_doesnotexist1`,
      headers: { 'x-connector-webhook-secret': account.secret, 'content-type': 'application/json' },
      payload,
    });
    assert.equal(unknown.statusCode, 401, 'another account: the same answer, nothing confirmed');

    const headers = { 'x-connector-webhook-secret': account.secret, 'content-type': 'application/json' };
    const notJson = await inject({ method: 'POST', url, headers, payload: '{"Inserted": [' });
    assert.equal(notJson.statusCode, 400, notJson.body);
    assert.equal(notJson.json().error.code, 'invalid_notification');
    const noKey = await inject({
      method: 'POST',
      url,
      headers,
      payload:
        '{"Inserted":[{"CustomerName":"No key"}],"Deleted":[],"Query":"customers","Id":"n1","TimeStamp":638765123456789012}',
    });
    assert.equal(noKey.statusCode, 400, noKey.body);
    assert.match(noKey.json().error.message, /key/);
    const noType = await inject({
      method: 'POST',
      url,
      headers,
      payload: JSON.stringify({ Inserted: [], Deleted: [], Query: 'Something', Id: 'n2', TimeStamp: 1 }),
    });
    assert.equal(noType.statusCode, 400, noType.body);

    const kept = await inject({
      method: 'GET',
      url: `/accounts/${account.id}/webhook`,
      headers: bearer(account.key),
    });
    assert.equal(kept.statusCode, 200, kept.body);
    const rejected = kept.json<{ rejected: { reason: string; body: string }[]; secretCreatedAt: string }>();
    assert.equal(rejected.rejected.length, 3);
    assert.ok(rejected.rejected.some((r) => r.body === '{"Inserted": ['));
    assert.ok(!kept.body.includes(account.secret), 'the secret is never shown again');
    assert.ok(!stack.env.logs().includes(account.secret), 'nor logged');
  });

  it('duplicates, lost acknowledgements and reordering: every change lands once, nothing is written back', async () => {
    const account = await hookedAccount();
    const admin = stack.emulator.admin;
    admin.pushNotifications.setFaults({ seed: 7, duplicates: 0.5, lostAcks: 0.3, reorder: 0.3 });
    const guids: string[] = [];
    for (let i = 0; i < 3; i++) guids.push(await createErpCustomer(`Burst ${i}`));
    await waitForNames(account, ['Burst 0', 'Burst 1', 'Burst 2']);

    admin.resetCounters();
    for (const [i, guid] of guids.entries()) {
      admin.editRecord('Customer', guid, { CustomerName: `Burst ${i} renamed` });
      admin.editRecord('Customer', guid, { CustomerName: `Burst ${i} final` });
    }
    await waitForNames(account, ['Burst 0 final', 'Burst 1 final', 'Burst 2 final']);
    await admin.pushNotifications.idle();
    const state = await waitFor('the change workflow to settle', async () => {
      const s = await changesState(account.id);
      return s.pending === 0 ? s : undefined;
    });

    const local = await localNames(account);
    assert.equal(local.size, 3, 'no duplicate records');
    assert.ok(state.duplicates > 0, `duplicates were delivered and ignored: ${JSON.stringify(state)}`);
    const counters = admin.counters();
    assert.equal(counters.PUT ?? 0, 0, 'nothing written back to Acumatica');
    // One GET per changed record per batch at most: never one per delivery.
    assert.ok((counters['GET Customer'] ?? 0) <= 6, JSON.stringify(counters));
    assert.ok(state.counts.pulled <= 6 + 3, JSON.stringify(state.counts));
    assert.equal(state.counts.failed, 0, JSON.stringify(state));
  });

  it('a split pair (old row alone, then the new row) is an update, never a delete', async () => {
    const account = await hookedAccount();
    const admin = stack.emulator.admin;
    const guid = await createErpCustomer('Split before');
    await waitForNames(account, ['Split before']);
    admin.pushNotifications.setFaults({ splitPairs: 1 });
    admin.editRecord('Customer', guid, { CustomerName: 'Split after' });
    await waitForNames(account, ['Split after']);
    await admin.pushNotifications.idle();
    const state = await waitFor('the change workflow to settle', async () => {
      const s = await changesState(account.id);
      return s.pending === 0 ? s : undefined;
    });
    assert.equal((await localNames(account)).size, 1, 'the record is still there');
    assert.ok(state.received >= 3, JSON.stringify(state));

    // Deleted in Acumatica: the notification has only a Deleted row; nothing is deleted here.
    const client = erpClient(stack.emulator);
    try {
      await client.delete('Customer', guid);
    } finally {
      await client.close();
    }
    await admin.pushNotifications.idle();
    await waitFor('the deletion notice to be handled', async () => {
      const s = await changesState(account.id);
      return s.received > state.received && s.pending === 0 && s.batches > state.batches ? true : undefined;
    });
    const afterDelete = await localNames(account);
    assert.equal(afterDelete.size, 1, 'a notification never deletes a record');
    assert.deepEqual([...afterDelete.values()], ['Split after']);
    const shown = await inject({
      method: 'GET',
      url: `/accounts/${account.id}/webhook`,
      headers: bearer(account.key),
    });
    assert.equal(shown.json().changes.duplicates, 0);
    assert.ok(shown.json().changes.received >= 4, shown.body);
  });

  it('a replayed notification is ignored; a dropped one is caught by the next run', async () => {
    const account = await hookedAccount();
    const admin = stack.emulator.admin;
    const guid = await createErpCustomer('Replay');
    await waitForNames(account, ['Replay']);
    const erp = admin.getRecord('Customer', guid);
    const customerId = String(erp?.values.CustomerID);

    admin.resetCounters();
    const headers = { 'x-connector-webhook-secret': account.secret, 'content-type': 'application/json' };
    const body = `{"Inserted":[{"CustomerID":"${customerId}","CustomerName":"Replay"}],"Deleted":[],"Query":"customers","CompanyId":"Company","Id":"replayed-${suffix()}","TimeStamp":638765123456789012,"AdditionalInfo":{}}`;
    const before = (await changesState(account.id)).duplicates;
    for (let i = 0; i < 2; i++) {
      const res = await inject({
        method: 'POST',
        url: `/hooks/acumatica/${account.id}`,
        headers,
        payload: body,
      });
      assert.equal(res.statusCode, 202, res.body);
    }
    await waitFor('the replay to be ignored', async () => {
      const s = await changesState(account.id);
      return s.duplicates === before + 1 && s.pending === 0 ? true : undefined;
    });
    await waitFor('the one pull to finish', async () =>
      (admin.counters()['GET Customer'] ?? 0) === 1 ? true : undefined,
    );

    admin.pushNotifications.setFaults({ drops: 1 });
    admin.editRecord('Customer', guid, { CustomerName: 'Dropped change' });
    await admin.pushNotifications.idle();
    assert.equal(admin.pushNotifications.stats().dropped, 1);
    assert.equal((await localNames(account)).get(customerId), 'Replay', 'not seen without its notification');

    const run = await inject({
      method: 'POST',
      url: `/accounts/${account.id}/syncs`,
      headers: bearer(account.key),
      payload: {},
    });
    assert.equal(run.statusCode, 202, run.body);
    await waitFor(
      'the next run to pull the dropped change',
      async () => ((await localNames(account)).get(customerId) === 'Dropped change' ? true : undefined),
      120_000,
    );
  });
});
