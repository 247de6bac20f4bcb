import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import {
  AccountConfigError,
  AccountMissingError,
  AcumaticaClientRegistry,
  type ClientRegistryOptions,
} from '../../../activities/client-registry';
import type { ConnectionWithSecrets } from '../../../store/accounts';
import { parseMasterKey, SecretBox } from '../../../store/secrets';
import { DEV_MASTER_KEY } from '../../../runtime/config';
import { DEVELOPMENT_OUTBOUND } from '../../../runtime/outbound';

const connection = (password: string): ConnectionWithSecrets => ({
  connection: {
    url: 'http://127.0.0.1:9',
    tenant: 'Company',
    restUsername: 'api',
    restVersion: '24.200.001',
    endpointName: 'Default',
    authMode: 'cookie',
  },
  secrets: { restPassword: password },
  version: `v-${password}`,
});

function registry(stored: () => ConnectionWithSecrets | null, exists = true) {
  const accounts = {
    getConnectionWithSecrets: () => Promise.resolve(stored()),
    get: () => Promise.resolve(exists ? ({ id: 'acc_1' } as never) : null),
  } as ClientRegistryOptions['accounts'];
  return new AcumaticaClientRegistry({
    accounts,
    box: new SecretBox([parseMasterKey(DEV_MASTER_KEY)]),
    logger: pino({ level: 'silent' }),
    limits: { requestsPerMinute: 60, maxConcurrent: 2 },
    outbound: DEVELOPMENT_OUTBOUND,
  });
}

describe('AcumaticaClientRegistry', () => {
  test('one client per account, rebuilt when its connection or secret changes', async (t) => {
    let password = 'one';
    const clients = registry(() => connection(password));
    t.after(() => clients.close());
    const [a, b] = await Promise.all([clients.get('acc_1'), clients.get('acc_1')]);
    assert.equal(a, b, 'concurrent callers share one client');
    assert.equal(await clients.get('acc_1'), a);
    password = 'two';
    assert.notEqual(await clients.get('acc_1'), a, 'a new secret builds a new client');
  });

  test("a run's connection version: the same connection serves it, an edited one is refused", async (t) => {
    let password = 'one';
    const clients = registry(() => connection(password));
    t.after(() => clients.close());
    const client = await clients.get('acc_1', 'v-one');
    assert.equal(await clients.get('acc_1'), client);
    password = 'two';
    await assert.rejects(
      clients.get('acc_1', 'v-one'),
      (err: unknown) =>
        err instanceof AccountConfigError && /was changed after this run started/.test(err.message),
    );
    assert.ok(await clients.get('acc_1', 'v-two'), 'a run started after the edit gets the new client');
  });

  test('a dedicated client is never the shared one', async (t) => {
    const clients = registry(() => connection('one'));
    t.after(() => clients.close());
    const dedicated = await clients.openDedicated('acc_1');
    assert.notEqual(dedicated, await clients.get('acc_1'));
    await dedicated.close();
  });

  test('a missing account and a missing connection are told apart', async () => {
    await assert.rejects(registry(() => null, false).get('acc_1'), AccountMissingError);
    await assert.rejects(registry(() => null, true).get('acc_1'), AccountConfigError);
    const oauthWithoutSecret = connection('pw');
    oauthWithoutSecret.connection.authMode = 'oauth';
    await assert.rejects(registry(() => oauthWithoutSecret).get('acc_1'), /client id or client secret/);
  });

  test('a closed registry hands out no clients', async () => {
    const clients = registry(() => connection('one'));
    await clients.close();
    await assert.rejects(clients.get('acc_1'), /closed/);
  });
});
