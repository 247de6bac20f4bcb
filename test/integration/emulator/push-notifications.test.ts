/**
 * The emulator's push notifications against a real loopback receiver: Acumatica's payload shape, an update
 * as Inserted + Deleted, increasing TimeStamps, up to 5 attempts on receiver errors, and the faults.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type PushPayload, type RunningEmulator } from '../../../emulator';
import { erpClient } from '../../helpers/erp';

interface Received {
  payload: PushPayload;
  header: string | undefined;
}

let emulator: RunningEmulator;
let receiver: Server;
let url: string;
let received: Received[] = [];
/** Status the receiver answers with, per request (then 200). */
let answers: number[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

before(async () => {
  emulator = await startEmulator({ seed: 'none' });
  receiver = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      // TimeStamp has more digits than a double holds: read it from the text.
      const ticks = BigInt(/"TimeStamp":(\d+)/.exec(body)?.[1] ?? '0');
      const payload = { ...(JSON.parse(body) as PushPayload), TimeStamp: ticks };
      received.push({ payload, header: req.headers['x-hook-secret'] as string });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
after(async () => {
  await emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  emulator.admin.reset();
  received = [];
  answers = [];
  emulator.admin.pushNotifications.register({
    entity: 'Customer',
    query: 'FS Customers',
    url,
    header: { name: 'X-Hook-Secret', value: 's3cret' },
    columns: ['CustomerID', 'CustomerName', 'LastModifiedDateTime'],
  });
});

async function createCustomer(id: string, name: string): Promise<string> {
  const client = erpClient(emulator);
  try {
    const saved = await client.put('Customer', { CustomerID: { value: id }, CustomerName: { value: name } });
    return saved.id as string;
  } finally {
    await client.close();
  }
}

describe('emulator push notifications', () => {
  test('an insert and an update arrive shaped as Acumatica sends them, with the header', async () => {
    const guid = await createCustomer('PUSH1', 'First');
    emulator.admin.editRecord('Customer', guid, { CustomerName: 'Second' });
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 2);
    const [insert, update] = received as [Received, Received];
    assert.equal(insert.header, 's3cret');
    assert.deepEqual(insert.payload.Deleted, []);
    assert.equal(insert.payload.Inserted[0]?.CustomerID, 'PUSH1');
    assert.equal(insert.payload.Query, 'FS Customers');
    assert.equal(insert.payload.CompanyId, 'Company');
    assert.match(insert.payload.Id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(update.payload.Inserted[0] ?? {}).sort(), [
      'CustomerID',
      'CustomerName',
      'LastModifiedDateTime',
    ]);
    assert.equal(update.payload.Inserted[0]?.CustomerName, 'Second');
    assert.equal(update.payload.Deleted[0]?.CustomerName, 'First');
    assert.notEqual(update.payload.Id, insert.payload.Id);
    assert.ok(update.payload.TimeStamp > insert.payload.TimeStamp);
  });

  test('a receiver error is retried, up to 5 attempts, then listed as failed', async () => {
    answers = [500, 503];
    await createCustomer('PUSH2', 'Retried');
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 3, 'two errors, then delivered');
    assert.equal(new Set(received.map((r) => r.payload.Id)).size, 1, 'the same notification each time');
    assert.equal(emulator.admin.pushNotifications.stats().delivered, 1);

    received = [];
    answers = [500, 500, 500, 500, 500];
    await createCustomer('PUSH3', 'Given up');
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 5);
    assert.equal(emulator.admin.pushNotifications.failed().at(-1)?.Inserted[0]?.CustomerID, 'PUSH3');
  });

  test('faults: duplicates, split pairs, reordering and drops', async () => {
    emulator.admin.pushNotifications.setFaults({ duplicates: 1 });
    const guid = await createCustomer('PUSH4', 'Dup');
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 2);
    assert.equal(received[0]?.payload.Id, received[1]?.payload.Id);

    received = [];
    emulator.admin.pushNotifications.setFaults({ splitPairs: 1 });
    emulator.admin.editRecord('Customer', guid, { CustomerName: 'Split' });
    await emulator.admin.pushNotifications.idle();
    const sorted = received.map((r) => r.payload).sort((a, b) => (a.TimeStamp < b.TimeStamp ? -1 : 1));
    assert.equal(sorted.length, 2);
    assert.deepEqual(sorted[0]?.Inserted, [], 'the old row alone first');
    assert.equal(sorted[0]?.Deleted[0]?.CustomerID, 'PUSH4');
    assert.equal(sorted[1]?.Inserted[0]?.CustomerName, 'Split');

    received = [];
    emulator.admin.pushNotifications.setFaults({ reorder: 1 });
    emulator.admin.editRecord('Customer', guid, { CustomerName: 'One' });
    emulator.admin.editRecord('Customer', guid, { CustomerName: 'Two' });
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 2);
    const [firstSent, secondSent] = received.map((r) => r.payload);
    assert.equal(firstSent?.Inserted[0]?.CustomerName, 'Two', 'the later change arrives first');
    assert.ok(firstSent.TimeStamp > secondSent!.TimeStamp);

    received = [];
    emulator.admin.pushNotifications.setFaults({ drops: 1 });
    emulator.admin.editRecord('Customer', guid, { CustomerName: 'Dropped' });
    await emulator.admin.pushNotifications.idle();
    assert.equal(received.length, 0);
    assert.equal(emulator.admin.pushNotifications.stats().dropped, 1);
  });

  test('the admin API registers destinations without echoing the header value', async () => {
    const res = await fetch(`${emulator.url}/_emulator/push-notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entity: 'Vendor', url, header: { name: 'X-Hook-Secret', value: 'hidden' } }),
    });
    assert.equal(res.status, 201);
    const text = await res.text();
    assert.ok(!text.includes('hidden'));
    const bad = await fetch(`${emulator.url}/_emulator/push-notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entity: 'Vendor', url: 'ftp://nowhere' }),
    });
    assert.equal(bad.status, 400);
  });
});
