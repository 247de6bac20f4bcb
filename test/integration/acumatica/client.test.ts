/**
 * The Acumatica client against the emulator over real HTTP: auth (OAuth and cookie), seats,
 * licence throttling, every injected fault, validation messages, actions and cancellation.
 * Each test starts its own in-process emulator on a free port.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import {
  DEFAULT_OAUTH_CLIENT,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../emulator';
import {
  AcumaticaClient,
  RequestLimiter,
  datetimeOffset,
  filter,
  unwrapDate,
  unwrapString,
  wrapFields,
  type AuthSettings,
  type ClientOptions,
} from '../../../acumatica';
import { waitFor } from '../../helpers/wait';

const logger = pino({ level: 'silent' });

const OAUTH: AuthSettings = {
  kind: 'oauth',
  clientId: DEFAULT_OAUTH_CLIENT.clientId.split('@')[0]!,
  clientSecret: DEFAULT_OAUTH_CLIENT.secret,
  username: 'admin',
  password: 'admin',
};
const COOKIE: AuthSettings = { kind: 'cookie', username: 'admin', password: 'admin' };

/** The clients made for each emulator, closed (signing out) before it. */
const clientsOf = new WeakMap<RunningEmulator, AcumaticaClient[]>();

/** An emulator of its own for test `t`, closed after it with every client made for it (clients first). */
async function emulatorFor(t: TestContext, opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ seed: 'none', ...opts });
  const clients: AcumaticaClient[] = [];
  clientsOf.set(emulator, clients);
  t.after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.close();
  });
  return emulator;
}

function clientFor(
  emulator: RunningEmulator,
  auth: AuthSettings = OAUTH,
  options: Partial<ClientOptions> = {},
  restVersion = '24.200.001',
): AcumaticaClient {
  const client = new AcumaticaClient(
    { baseUrl: emulator.url, tenant: 'Company', endpointName: 'Default', restVersion, auth },
    { logger, timeoutMs: 30_000, ...options },
  );
  clientsOf.get(emulator)?.push(client);
  return client;
}

function customer(id: string, name = `Customer ${id}`) {
  return wrapFields({ CustomerID: id, CustomerName: name });
}

describe('OAuth', () => {
  it('signs in, writes and reads a record, and frees the seat on close', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    const saved = await client.put('Customer', customer('C-OAUTH', "O'Brien Plumbing"));
    assert.equal(unwrapString(saved.CustomerID), 'C-OAUTH');
    assert.match(saved.id ?? '', /^[0-9a-f-]{36}$/);
    const byKey = await client.get('Customer', 'C-OAUTH', { select: 'CustomerName' });
    assert.equal(unwrapString(byKey.CustomerName), "O'Brien Plumbing");
    const byId = await client.get('Customer', saved.id!);
    assert.equal(unwrapString(byId.CustomerID), 'C-OAUTH');
    assert.equal(emulator.admin.sessions().length, 1);
    await client.close();
    assert.equal(emulator.admin.sessions().length, 0);
  });

  it('refreshes before expiry without a 401 and keeps one session', async (t) => {
    const emulator = await emulatorFor(t);
    let skewed = 0;
    const client = clientFor(emulator, OAUTH, { now: () => Date.now() + skewed });
    await client.put('Customer', customer('C1'));
    skewed = 3600_000 - 30_000; // 30 s before the 1 h token expires: inside the refresh window
    await client.get('Customer', 'C1');
    const counters = emulator.admin.counters();
    assert.equal(counters['POST identity/token'], 2);
    assert.equal(counters['GET Customer'], 1);
    assert.equal(emulator.admin.sessions().length, 1, 'a refresh, not a second password grant');
  });

  it('recovers from forced expiry with one rotated refresh for many concurrent requests', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    await client.put('Customer', customer('C1'));
    for (let round = 1; round <= 3; round++) {
      emulator.admin.expireTokens();
      const results = await Promise.all(Array.from({ length: 5 }, () => client.get('Customer', 'C1')));
      assert.equal(results.length, 5);
      // One password grant plus exactly one refresh per round: a stale refresh token would
      // have been refused and forced a second session.
      assert.equal(emulator.admin.counters()['POST identity/token'], 1 + round);
      assert.equal(emulator.admin.sessions().length, 1);
    }
  });

  it('a token expiring again right after the re-login is renewed once more; the request succeeds', async (t) => {
    const emulator = await emulatorFor(t);
    // The client logs each exchange as it completes: the first token answer after the forced expiry
    // expires every token again, before the request is repeated with it.
    let armed = false;
    const watcher = pino(
      { level: 'debug' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { msg?: string; path?: string };
          if (armed && entry.msg === 'acumatica request' && entry.path?.includes('/token')) {
            armed = false;
            emulator.admin.expireTokens();
          }
        },
      },
    );
    const client = clientFor(emulator, OAUTH, { logger: watcher });
    await client.put('Customer', customer('C1'));
    emulator.admin.expireTokens();
    armed = true;
    const before = emulator.admin.counters()['GET Customer'] ?? 0;
    assert.equal(unwrapString((await client.get('Customer', 'C1')).CustomerID), 'C1');
    assert.equal(armed, false, 'the token was expired again after the re-login');
    assert.equal((emulator.admin.counters()['GET Customer'] ?? 0) - before, 3);
  });

  it('signs in again at most twice when every token is refused, then fails with AcumaticaAuth', async (t) => {
    const emulator = await emulatorFor(t, { limits: { tokenLifetimeSec: 0 } });
    const client = clientFor(emulator);
    await assert.rejects(client.get('Customer', 'C1'), (err: Error & { type?: string; status?: number }) => {
      assert.equal(err.type, 'AcumaticaAuth');
      assert.equal(err.status, 401);
      return true;
    });
    const counters = emulator.admin.counters();
    assert.equal(counters['POST identity/token'], 3);
    assert.equal(counters['GET Customer'], 3);
  });

  it('reports wrong credentials as AcumaticaAuth without leaking them', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator, { ...OAUTH, password: 'wrong-pass-123' });
    await assert.rejects(client.list('Customer', { top: 1 }), (err: Error & { type?: string }) => {
      assert.equal(err.type, 'AcumaticaAuth');
      assert.doesNotMatch(err.message, /wrong-pass-123|emulator-secret/);
      return true;
    });
  });
});

describe('cookie sessions and seats', () => {
  it('logs in with a cookie session, and logging out frees the only seat for the next client', async (t) => {
    const emulator = await emulatorFor(t, { limits: { maxApiUsers: 1 } });
    const first = clientFor(emulator, COOKIE);
    const second = clientFor(emulator, COOKIE);
    const third = clientFor(emulator, OAUTH);
    await first.put('Customer', customer('C1'));
    assert.equal(emulator.admin.sessions().length, 1);
    await assert.rejects(
      second.get('Customer', 'C1'),
      (err: Error & { type?: string; retryAfterMs?: number }) => {
        assert.equal(err.type, 'AcumaticaSeatLimit');
        assert.ok((err.retryAfterMs ?? 0) >= 60_000, 'seat limits are retried after minutes');
        return true;
      },
    );
    await assert.rejects(third.get('Customer', 'C1'), { type: 'AcumaticaSeatLimit' });
    await first.close();
    assert.equal(emulator.admin.sessions().length, 0);
    const record = await second.get('Customer', 'C1');
    assert.equal(unwrapString(record.CustomerID), 'C1');
    await Promise.all([first.close(), second.close(), third.close()]);
    assert.equal(emulator.admin.sessions().length, 0);
  });

  it('logs in again once when the server dropped the session', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator, COOKIE);
    await client.put('Customer', customer('C1'));
    emulator.admin.clearSessions();
    await Promise.all([client.get('Customer', 'C1'), client.get('Customer', 'C1')]);
    assert.equal(emulator.admin.counters()['POST auth/login'], 2);
  });
});

describe('licence throttling', () => {
  it('waits behind the shared limiter instead of being declined', async (t) => {
    const emulator = await emulatorFor(t, { limits: { maxConcurrentRequests: 1, maxQueue: 2 } });
    emulator.admin.setFaults({ latency: { ms: 20 }, target: { entity: 'Customer', method: 'GET' } });
    const limiter = new RequestLimiter({ requestsPerMinute: 60_000, maxConcurrent: 1 });
    const setup = clientFor(emulator);
    await setup.put('Customer', customer('C1'));
    await setup.close();

    const unpaced = clientFor(emulator);
    const paced = clientFor(emulator, OAUTH, { limiter });
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => unpaced.get('Customer', 'C1')));
    const declined = burst.filter((r) => r.status === 'rejected');
    assert.ok(declined.length > 0, 'without pacing the emulator declines part of the burst');
    for (const r of declined) {
      assert.equal((r.reason as { type?: string }).type, 'AcumaticaThrottled');
      assert.ok(((r.reason as { retryAfterMs?: number }).retryAfterMs ?? 0) > 0);
    }

    emulator.admin.resetCounters();
    const results = await Promise.all(Array.from({ length: 8 }, () => paced.get('Customer', 'C1')));
    assert.equal(results.length, 8);
    assert.equal(emulator.admin.counters().declined, 0);
  });
});

describe('fault classification', () => {
  it('classifies 5xx, 429, conflicts, dropped connections and malformed JSON', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    await client.put('Customer', customer('C1'));

    emulator.admin.setFaults({ serverErrors: { rate: 1, status: 503 } });
    await assert.rejects(
      client.get('Customer', 'C1'),
      (err: Error & { type?: string; reason?: string; status?: number }) => {
        assert.equal(err.type, 'AcumaticaRetryable');
        assert.equal(err.reason, 'server');
        assert.equal(err.status, 503);
        assert.match(err.message, /An unexpected error occurred on the server\./);
        return true;
      },
    );

    emulator.admin.setFaults({ tooManyRequests: { next: 1, retryAfterSec: 7 } });
    await assert.rejects(
      client.get('Customer', 'C1'),
      (err: Error & { type?: string; retryAfterMs?: number }) => {
        assert.equal(err.type, 'AcumaticaThrottled');
        assert.equal(err.retryAfterMs, 7000);
        return true;
      },
    );
    assert.equal(unwrapString((await client.get('Customer', 'C1')).CustomerID), 'C1');

    emulator.admin.setFaults({ conflicts: { rate: 1 } });
    await assert.rejects(
      client.put('Customer', customer('C1', 'Renamed')),
      (err: Error & { type?: string; reason?: string }) => {
        assert.equal(err.type, 'AcumaticaRetryable');
        assert.equal(err.reason, 'conflict');
        assert.match(err.message, /Another process has updated/);
        return true;
      },
    );

    emulator.admin.setFaults({ commitThenDrop: { next: 1 }, target: { method: 'PUT' } });
    await assert.rejects(
      client.put('Customer', customer('C2')),
      (err: Error & { type?: string; reason?: string; outcomeUnknown?: boolean }) => {
        assert.equal(err.type, 'AcumaticaRetryable');
        assert.equal(err.reason, 'network');
        assert.equal(err.outcomeUnknown, true);
        return true;
      },
    );
    emulator.admin.setFaults({});
    assert.equal(
      unwrapString((await client.get('Customer', 'C2')).CustomerID),
      'C2',
      'the dropped write was committed',
    );

    emulator.admin.setFaults({ malformedJson: { rate: 1 } });
    await assert.rejects(client.get('Customer', 'C1'), (err: Error & { type?: string; reason?: string }) => {
      assert.equal(err.type, 'AcumaticaRetryable');
      assert.equal(err.reason, 'malformed-response');
      assert.match(err.message, /malformed JSON body \(HTTP 200/);
      return true;
    });
  });

  it('rejects validation failures with field messages, and 412 preconditions', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    await assert.rejects(
      client.put('Customer', { ...customer('C-SUB'), ...wrapFields({ ParentRecord: 'NOPE' }) }),
      (
        err: Error & {
          type?: string;
          status?: number;
          fieldErrors?: { path: string; message: string }[];
        },
      ) => {
        assert.equal(err.type, 'AcumaticaRejected');
        assert.equal(err.status, 422);
        assert.deepEqual(err.fieldErrors, [
          { path: 'ParentRecord', message: "'Parent Account' cannot be found in the system." },
        ]);
        assert.match(err.message, /ParentRecord: 'Parent Account' cannot be found in the system\./);
        return true;
      },
    );
    await assert.rejects(
      client.put('Customer', wrapFields({ CustomerID: 'C-NONAME' })),
      (err: Error & { fieldErrors?: { path: string }[] }) => {
        assert.deepEqual(
          err.fieldErrors?.map((f) => f.path),
          ['CustomerName'],
        );
        return true;
      },
    );

    await client.put('Customer', customer('C1'));
    await assert.rejects(client.put('Customer', customer('C1'), { ifNoneMatch: true }), {
      type: 'AcumaticaRejected',
      status: 412,
    });
    await assert.rejects(client.put('Customer', customer('C-MISSING'), { ifMatch: true }), {
      type: 'AcumaticaRejected',
      status: 412,
    });
  });

  it('maps missing records to AcumaticaNotFound for get, delete and actions', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    await assert.rejects(client.get('Customer', 'NOPE'), { type: 'AcumaticaNotFound' });
    await assert.rejects(client.delete('Customer', ['NOPE']), { type: 'AcumaticaNotFound' });
    await assert.rejects(
      client.invokeAction('Invoice', 'ReleaseInvoice', {
        entity: wrapFields({ Type: 'Invoice', ReferenceNbr: 'AR999999' }),
      }),
      { type: 'AcumaticaNotFound' },
    );
    await client.put('Customer', customer('C1'));
    await client.delete('Customer', 'C1');
    await assert.rejects(client.get('Customer', 'C1'), { type: 'AcumaticaNotFound' });
  });
});

describe('queries, actions and cancellation', () => {
  it('pages through a list and filters on an offset date-time', async (t) => {
    const emulator = await emulatorFor(t, { seed: { customers: 25, seed: 7 } });
    const client = clientFor(emulator);
    const pages = [];
    for await (const page of client.listPages('Customer', {
      pageSize: 10,
      select: ['CustomerID', 'LastModifiedDateTime'],
    })) {
      pages.push(page);
    }
    assert.deepEqual(
      pages.map((p) => [p.skip, p.records.length]),
      [
        [0, 10],
        [10, 10],
        [20, 5],
      ],
    );
    const all = pages.flatMap((p) => p.records);
    assert.equal(new Set(all.map((r) => r.id)).size, 25);

    // The same instant written with a +05:30 offset: the '+' must survive URL encoding.
    const times = all.map((r) => unwrapDate(r.LastModifiedDateTime)!.getTime()).sort((a, b) => a - b);
    const cut = times[12]!;
    const local = new Date(cut + 5.5 * 3600_000).toISOString().replace('Z', '+05:30');
    const newer = await client.list('Customer', {
      filter: filter.gt('LastModifiedDateTime', datetimeOffset(local)),
      select: 'CustomerID',
    });
    assert.equal(newer.length, times.filter((t) => t > cut).length);
    assert.ok(newer.length > 0 && newer.length < 25);
  });

  it('polls a long-running action until it finishes', async (t) => {
    const emulator = await emulatorFor(t, { actionDurationMs: 150 });
    const client = clientFor(emulator);
    await client.put('Customer', customer('C1'));
    const invoice = await client.put(
      'Invoice',
      wrapFields({ Type: 'Invoice', Customer: 'C1', Description: 'Visit' }),
    );
    const keys = wrapFields({ Type: 'Invoice', ReferenceNbr: unwrapString(invoice.ReferenceNbr) });
    const result = await client.invokeAction(
      'Invoice',
      'ReleaseInvoice',
      { entity: keys },
      { pollIntervalMs: 20 },
    );
    assert.ok(result.polls >= 1);
    const released = await client.get('Invoice', invoice.id!);
    // An invoice without lines has a zero balance: releasing it closes it at once.
    assert.equal(unwrapString(released.Status), 'Closed');
    // Releasing twice is a business failure reported by the status poll: not worth retrying.
    await assert.rejects(
      client.invokeAction('Invoice', 'ReleaseInvoice', { entity: keys }, { pollIntervalMs: 20 }),
      (err: Error & { type?: string }) => {
        assert.equal(err.type, 'AcumaticaRejected');
        assert.match(err.message, /already been released/);
        return true;
      },
    );
  });

  it('gives up an action that outlives its deadline as retryable with an unknown outcome', async (t) => {
    const emulator = await emulatorFor(t, { actionDurationMs: 60_000 });
    const client = clientFor(emulator);
    await client.put('Customer', customer('C1'));
    const invoice = await client.put('Invoice', wrapFields({ Type: 'Invoice', Customer: 'C1' }));
    await assert.rejects(
      client.invokeAction(
        'Invoice',
        'ReleaseInvoice',
        { entity: { id: invoice.id! } },
        { pollIntervalMs: 10, deadlineMs: 100 },
      ),
      { type: 'AcumaticaRetryable', reason: 'action-timeout', outcomeUnknown: true },
    );
  });

  it('aborts an in-flight request with the caller’s reason', async (t) => {
    const emulator = await emulatorFor(t);
    const client = clientFor(emulator);
    await client.put('Customer', customer('C1'));
    emulator.admin.setFaults({ latency: { ms: 2_000 }, target: { method: 'GET' } });
    const controller = new AbortController();
    const pending = client.get('Customer', 'C1', { signal: controller.signal });
    await waitFor('the request to reach the server', () =>
      (emulator.admin.counters()['GET Customer'] ?? 0) >= 1 ? true : undefined,
    );
    controller.abort(new Error('activity cancelled'));
    await assert.rejects(pending, /activity cancelled/);
    emulator.admin.setFaults({});
  });

  it('lists endpoints and checks the configured version', async (t) => {
    const emulator = await emulatorFor(t);
    const supported = clientFor(emulator);
    const unsupported = clientFor(emulator, OAUTH, {}, '25.200.001');
    const check = await supported.checkVersion();
    assert.equal(check.supported, true);
    assert.ok(check.availableVersions.includes('23.200.001'));
    assert.match(check.buildVersion ?? '', /^\d+\.\d+\.\d+$/);
    const other = await unsupported.checkVersion();
    assert.equal(other.supported, false);
    await assert.rejects(unsupported.list('Customer', { top: 1 }), {
      type: 'AcumaticaRejected',
      status: 404,
    });
  });
});
