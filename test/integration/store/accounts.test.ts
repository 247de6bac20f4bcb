import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../../core/validation';
import { COLLECTIONS, recordCollectionName } from '../../../store/db';
import type { Store } from '../../../store/index';
import { SecretBox, SecretDecryptionError } from '../../../store/secrets';
import { RunLocks } from '../../../store/run-locks';
import { openTestDb, type TestDb } from './helpers';
import { sampleSummary } from '../../helpers/summaries';

let env: TestDb;
let store: Store;
const k1 = { id: 'k1', key: randomBytes(32) };
const box = new SecretBox([k1]);
const PASSWORD = 'Plaintext-Password-42';
const CLIENT_SECRET = 'Plaintext-Client-Secret-42';
const connection = {
  url: 'https://erp.example.com/AcumaticaERP',
  tenant: 'Company',
  clientId: '0e5c8a4e-4a3d-4c1e-9a86-1f0c2b1d3e4f@Company',
  clientSecret: CLIENT_SECRET,
  restUsername: 'admin',
  restPassword: PASSWORD,
};

before(async () => {
  env = await openTestDb();
  store = env.store;
});
after(async () => {
  await env.close();
});

describe('accounts', () => {
  it('creates with default settings and returns the API key once, stored hashed', async () => {
    const { account, apiKey } = await store.accounts.create({ name: 'Acme' }, box);
    assert.equal(account.settings.executionDelayMinutes >= 15, true);
    assert.equal(account.connection, null);
    assert.match(apiKey, /^fsk_/);
    const raw = await env.db.collection(COLLECTIONS.apiKeys).find({ accountId: account.id }).toArray();
    assert.equal(raw.length, 1);
    assert.equal(JSON.stringify(raw).includes(apiKey), false, 'the key itself is not stored');
    assert.equal((await store.accounts.authenticate(apiKey))?.id, account.id);
    assert.equal(await store.accounts.authenticate(`${apiKey}x`), null);
    const [info] = await store.accounts.listApiKeys(account.id);
    assert.ok(info && apiKey.startsWith(info.prefix));
    assert.equal(await store.accounts.revokeApiKey(account.id, info.id), true);
    assert.equal(await store.accounts.authenticate(apiKey), null);
  });

  it('validates settings on create and update with messages naming the field', async () => {
    await assert.rejects(
      store.accounts.create({ name: 'Bad', settings: { executionDelayMinutes: 10 } }, box),
      (error: unknown) =>
        error instanceof ValidationError && error.message === 'executionDelayMinutes must be at least 15',
    );
    const { account } = await store.accounts.create(
      { name: 'Good', settings: { executionDelayMinutes: 30 } },
      box,
    );
    await assert.rejects(
      store.accounts.updateSettings(account.id, { lastModifiedSinceDays: 0, newCustomerType: 'X' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues
          .map((i) => i.field)
          .sort()
          .join() === 'lastModifiedSinceDays,newCustomerType',
    );
    const updated = await store.accounts.updateSettings(account.id, {
      useShipToAddress: true,
      fullSyncOnNextRun: true,
    });
    assert.equal(updated?.settings.useShipToAddress, true);
    assert.equal(updated?.settings.executionDelayMinutes, 30, 'other settings kept');
    assert.equal((await store.accounts.get(account.id))?.settings.fullSyncOnNextRun, true);
    assert.equal(await store.accounts.updateSettings('acc_doesnotexist', { paused: true }), null);
  });

  it('clears the full-sync flag only when it was set before the run started', async () => {
    const { account } = await store.accounts.create(
      { name: 'Flag', settings: { fullSyncOnNextRun: true } },
      box,
    );
    const runStart = new Date(account.updatedAt.getTime() - 1);
    assert.equal(
      await store.accounts.clearFullSyncFlag(account.id, runStart),
      false,
      'set during the run: kept',
    );
    assert.equal(await store.accounts.clearFullSyncFlag(account.id, new Date()), true);
    assert.equal((await store.accounts.get(account.id))?.settings.fullSyncOnNextRun, false);
  });

  it('stores secrets encrypted, never returns them on reads, decrypts only with the key', async () => {
    const { account } = await store.accounts.create({ name: 'Secret', connection }, box);
    assert.equal(account.connection?.hasRestPassword, true);
    assert.equal(account.connection?.hasClientSecret, true);
    const raw = await env.db.collection(COLLECTIONS.accounts).findOne({ _id: account.id as never });
    const rawText = JSON.stringify(raw);
    assert.equal(rawText.includes(PASSWORD), false, 'no plaintext password in the document');
    assert.equal(rawText.includes(CLIENT_SECRET), false, 'no plaintext client secret in the document');
    assert.equal(JSON.stringify(await store.accounts.get(account.id)).includes('Plaintext'), false);
    assert.equal(JSON.stringify(await store.accounts.list({})).includes('secrets'), false);

    const opened = await store.accounts.getConnectionWithSecrets(account.id, box);
    assert.deepEqual(opened?.secrets, { restPassword: PASSWORD, clientSecret: CLIENT_SECRET });
    assert.equal(opened?.connection.tenant, 'Company');

    const wrongKey = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
    await assert.rejects(
      store.accounts.getConnectionWithSecrets(account.id, wrongKey),
      SecretDecryptionError,
    );
  });

  it('patches the connection, replacing only the secrets given, and rotates keys', async () => {
    const { account } = await store.accounts.create({ name: 'Patch', connection }, box);
    await store.accounts.setConnection(
      account.id,
      { restPassword: 'new-password', restVersion: '23.200.001' },
      box,
    );
    const opened = await store.accounts.getConnectionWithSecrets(account.id, box);
    assert.deepEqual(opened?.secrets, { restPassword: 'new-password', clientSecret: CLIENT_SECRET });
    assert.equal(opened?.connection.restVersion, '23.200.001');
    await assert.rejects(
      store.accounts.setConnection(account.id, { clientSecret: null }, box),
      (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'clientSecret',
    );
    const rotated = new SecretBox([{ id: 'k2', key: randomBytes(32) }, k1]);
    assert.ok((await store.accounts.rotateSecrets(rotated)) >= 1);
    const raw = await env.db.collection(COLLECTIONS.accounts).findOne({ _id: account.id as never });
    assert.equal(raw?.secrets.restPassword.kid, 'k2');
    assert.equal(
      (await store.accounts.getConnectionWithSecrets(account.id, rotated))?.secrets.restPassword,
      'new-password',
    );
    await assert.rejects(
      store.accounts.getConnectionWithSecrets(account.id, box),
      /no master key with id k2/,
    );
  });

  it('deletes the account with its records, keys, watermarks and notifications', async () => {
    const { account, apiKey } = await store.accounts.create({ name: 'Doomed' }, box);
    const { account: keep } = await store.accounts.create({ name: 'Kept' }, box);
    const customer = await store.records.customers.create(account.id, { name: 'C' });
    const kept = await store.records.customers.create(keep.id, { name: 'K' });
    await store.watermarks.advance(account.id, 'customers', new Date());
    await store.notifications.recordRunSummary(
      account.id,
      'sync/x',
      sampleSummary({ accountId: account.id, runId: 'r' }),
    );
    assert.equal(
      (await new RunLocks(env.db).acquire(account.id, 'sync/x', () => Promise.resolve('running'))).status,
      'acquired',
    );
    assert.equal(await store.accounts.delete(account.id), true);
    assert.equal(await env.db.collection(COLLECTIONS.runLocks).countDocuments({ accountId: account.id }), 0);
    assert.equal(await store.accounts.get(account.id), null);
    assert.equal(await store.accounts.authenticate(apiKey), null);
    assert.equal(await store.records.customers.get(account.id, customer._id), null);
    assert.equal(
      await env.db.collection(recordCollectionName('customers')).countDocuments({ accountId: account.id }),
      0,
    );
    assert.equal(await store.watermarks.get(account.id, 'customers'), null);
    assert.equal((await store.notifications.list(account.id)).items.length, 0);
    assert.ok(await store.records.customers.get(keep.id, kept._id), 'other accounts untouched');
    assert.equal(await store.accounts.delete(account.id), false);
  });

  it('deletes an account with more records of one type than one SQLite statement can bind', async () => {
    // FerretDB's SQLite backend binds every matching _id of a deleteMany: past 32,766 it used to fail
    // with "too many SQL variables" and leave the account half-deleted.
    const { account } = await store.accounts.create({ name: 'Large' }, box);
    const collection = env.db.collection(recordCollectionName('products'));
    const total = 33_000;
    for (let start = 0; start < total; start += 1_000) {
      await collection.insertMany(
        Array.from({ length: 1_000 }, (_, i) => ({
          _id: `prd_large_${String(start + i).padStart(6, '0')}` as never,
          accountId: account.id,
        })),
      );
    }
    assert.equal(await collection.countDocuments({ accountId: account.id }), total);
    assert.equal(await store.accounts.delete(account.id), true);
    assert.equal(await collection.countDocuments({ accountId: account.id }), 0);
    assert.equal(await store.accounts.get(account.id), null);
  });
});
