/**
 * Tenant safety through the API with the real worker, Temporal, FerretDB, the emulator and a loopback
 * listener standing in for "a host someone else controls": stored secrets never follow a changed
 * destination, a foreign error body is never echoed, and every encoding of a secret is masked.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { RunningEmulator } from '../../../emulator';
import {
  admin,
  bearer,
  setupApi,
  setupApiWithWorker,
  suffix,
  TEST_CLIENT_ID,
  waitFor,
  type ApiTestEnv,
  type WorkerApiEnv,
} from './helpers';

// Characters that read differently plain, URL-encoded and JSON-escaped.
const USER_PASSWORD = `Pw "q/+&=%é ${suffix()}`;
const CLIENT_SECRET = `Cs\\"+/ ${suffix()}`;
const CLIENT_ID = TEST_CLIENT_ID;

/** Every form a secret takes on the wire or in an echo: plain, URL- and form-encoded, JSON-escaped. */
function encodings(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  return [
    secret,
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function assertNoSecret(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    for (const form of encodings(secret)) {
      assert.ok(!text.includes(form), `${where} holds a secret (${JSON.stringify(form)})`);
    }
  }
}

interface Listener {
  url: string;
  /** Every request received so far: request line, headers and body. */
  received(): string;
  close(): Promise<void>;
}

/** A loopback HTTP server that records everything sent to it and answers with `answer`. */
async function listen(
  answer: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<Listener> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push(`${req.method} ${req.url}\n${req.rawHeaders.join('\n')}\n\n${body}`);
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => seen.join('\n----\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let stack: WorkerApiEnv;
let env: ApiTestEnv;
let emulator: RunningEmulator;

before(async () => {
  // Short enough for a test to watch a run against a dead ERP give up.
  stack = await setupApiWithWorker({
    password: USER_PASSWORD,
    clientSecret: CLIENT_SECRET,
    config: { SYNC_UNREACHABLE_TIMEOUT_SECONDS: '8' },
  });
  ({ env, emulator } = stack);
});

after(async () => {
  await stack?.close();
});

const inject = (opts: InjectOptions) => env.app.inject(opts);

const newAccount = () => stack.newAccount(['customers']);

/** Changes the account's connection with its own key; asserts the change was accepted. */
async function moveAccount(id: string, key: string, connection: Record<string, unknown>): Promise<void> {
  const res = await inject({
    method: 'PATCH',
    url: `/accounts/${id}`,
    headers: bearer(key),
    payload: { connection },
  });
  assert.equal(res.statusCode, 200, res.body);
}

async function validate(id: string, key: string) {
  const res = await inject({
    method: 'POST',
    url: `/accounts/${id}/connection/validate`,
    headers: bearer(key),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }>();
}

describe('credentials follow the destination', () => {
  it('refuses to move stored secrets to another host: the listener receives nothing', async (t) => {
    const listener = await listen((_req, _body, res) => res.writeHead(500).end());
    t.after(() => listener.close());
    const { id, key } = await newAccount();
    const patch = (connection: Record<string, unknown>) =>
      inject({ method: 'PATCH', url: `/accounts/${id}`, headers: bearer(key), payload: { connection } });

    // The exact steps of the report: only an account key, a new URL, stored secrets kept.
    const moved = await patch({ url: `${listener.url}/x` });
    assert.equal(moved.statusCode, 400, moved.body);
    assert.equal(moved.json().error.code, 'secrets_required');
    assert.deepEqual(
      moved.json().error.details.issues.map((i: { field: string }) => i.field),
      ['connection.restPassword', 'connection.clientSecret'],
    );
    // Every other part of the destination is bound too; the password alone is not enough under OAuth.
    for (const change of [
      { url: `${emulator.url}/other` },
      { url: emulator.url.replace('http:', 'https:') },
      { tenant: 'Other', clientId: CLIENT_ID.replace('@Company', '@Other') },
      { authMode: 'cookie' },
      { url: `${listener.url}/x`, restPassword: 'a new password' },
    ]) {
      const res = await patch(change);
      assert.equal(res.statusCode, 400, `${JSON.stringify(change)}: ${res.body}`);
      assert.equal(res.json().error.code, 'secrets_required', res.body);
    }
    // A change that keeps the destination still needs no secrets.
    const renamed = await patch({ restUsername: 'apiuser', requestsPerMinute: 600 });
    assert.equal(renamed.statusCode, 200, renamed.body);

    const account = await inject({ method: 'GET', url: `/accounts/${id}`, headers: bearer(key) });
    assert.equal(account.json().connection.url, emulator.url);
    const check = await validate(id, key);
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.equal(listener.received(), '', 'nothing at all reached the other host');

    // Checks are rate-limited per account: the next one is turned away with Retry-After.
    const again = await inject({
      method: 'POST',
      url: `/accounts/${id}/connection/validate`,
      headers: bearer(key),
    });
    assert.equal(again.statusCode, 429, again.body);
    assert.equal(again.json().error.code, 'too_many_checks');
    const wait = Number(again.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= env.config.CONNECTION_CHECK_INTERVAL_SECONDS, String(wait));
    // Another account is not affected.
    const other = await newAccount();
    assert.equal((await validate(other.id, other.key)).ok, true);
  });

  it('sends only the secrets entered with the new destination, never the old ones', async (t) => {
    const newPassword = `New "pw"/+&= ${suffix()}`;
    const listener = await listen((_req, _body, res) => res.writeHead(500).end());
    t.after(() => listener.close());
    const { id, key } = await newAccount();
    await moveAccount(id, key, {
      url: `${listener.url}/x`,
      authMode: 'cookie',
      clientId: null,
      clientSecret: null,
      restPassword: newPassword,
    });
    const check = await validate(id, key);
    assert.equal(check.ok, false);
    const received = listener.received();
    assert.ok(received.includes('/x/entity/auth/login'), received);
    assertNoSecret(received, [USER_PASSWORD, CLIENT_SECRET], 'the new host');
  });
});

describe('no foreign body, no secret in any encoding', () => {
  it('shows a fixed description for a foreign error page, never its content', async (t) => {
    const planted = `INTERNAL-ONLY ${suffix()} root:x:0:0`;
    const listener = await listen((req, _body, res) => {
      if (req.url?.endsWith('/json')) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: planted }));
      } else {
        res.writeHead(500, { 'content-type': 'text/html' }).end(`<html><pre>${planted}</pre></html>`);
      }
    });
    t.after(() => listener.close());
    for (const path of ['/html', '/json']) {
      const { id, key } = await newAccount();
      await moveAccount(id, key, {
        url: `${listener.url}${path}`,
        restPassword: 'another pw',
        clientSecret: 'another cs',
      });
      const check = await validate(id, key);
      const signIn = check.checks.find((c) => c.name === 'Sign in');
      assert.equal(signIn?.ok, false, JSON.stringify(check));
      assert.match(signIn?.detail ?? '', /not from Acumatica's REST API/);
      assert.ok(!JSON.stringify(check).includes('INTERNAL-ONLY'), JSON.stringify(check));
    }
  });

  it('masks the secrets of the account in every encoding when a server echoes the request', async (t) => {
    // An Acumatica-shaped error whose message repeats the (form-encoded) token request it received.
    const listener = await listen((_req, body, res) => {
      const echo = `${body} | ${decodeURIComponent(body.replace(/\+/g, ' '))} | ${JSON.stringify(body)}`;
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: echo }));
    });
    const password = `Echo "pw"/+&= ${suffix()}`;
    const secret = `Echo\\cs%20 ${suffix()}`;
    t.after(() => listener.close());
    const { id, key } = await newAccount();
    await moveAccount(id, key, {
      url: `${listener.url}/erp`,
      restPassword: password,
      clientSecret: secret,
    });
    const check = await validate(id, key);
    const signIn = check.checks.find((c) => c.name === 'Sign in');
    assert.equal(signIn?.ok, false);
    assert.match(signIn?.detail ?? '', /password=\*\*\*/, 'the echo is shown, masked');
    const histories: string[] = [];
    for await (const wf of env.temporal.workflow.list({ query: `FsacAccount = '${id}'` })) {
      histories.push(
        JSON.stringify(await env.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()),
      );
    }
    assert.ok(histories.length >= 1);
    for (const [where, text] of [
      ['the answer', JSON.stringify(check)],
      ['the history', histories.join('\n')],
      ['the logs', env.logs()],
    ] as const) {
      assertNoSecret(text, [password, secret], where);
    }
  });
});

describe('outbound policy on save (production)', () => {
  let prod: ApiTestEnv;
  before(async () => {
    prod = await setupApi({
      NODE_ENV: 'production',
      MASTER_KEY: randomBytes(32).toString('base64'),
      OUTBOUND_ALLOW_HOSTS: 'erp.onprem.test',
      OUTBOUND_ALLOW_RANGES: '10.20.0.0/16',
    });
  });
  after(async () => {
    await prod?.close();
  });

  it('refuses http, private and loopback destinations unless the operator allows them', async () => {
    const create = (url: string) =>
      prod.app.inject({
        method: 'POST',
        url: '/accounts',
        headers: admin,
        payload: {
          name: `Policy ${suffix()}`,
          connection: {
            url,
            tenant: 'Company',
            authMode: 'cookie',
            restUsername: 'apiuser',
            restPassword: 'pw',
          },
        },
      });
    for (const url of [
      'http://93.184.216.34/AcumaticaERP',
      'https://127.0.0.1:8443/AcumaticaERP',
      'https://localhost/AcumaticaERP',
      'https://169.254.169.254/latest',
      'https://10.21.0.5/AcumaticaERP',
      'https://[::1]/AcumaticaERP',
    ]) {
      const res = await create(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'destination_refused', res.body);
      assert.equal(res.json().error.details.issues[0].field, 'connection.url');
    }
    for (const url of ['https://10.20.0.5/AcumaticaERP', 'http://erp.onprem.test/AcumaticaERP']) {
      const res = await create(url);
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
    // A change of URL is checked too.
    const created = await create('https://10.20.0.6/AcumaticaERP');
    const id = created.json().account.id;
    const moved = await prod.app.inject({
      method: 'PATCH',
      url: `/accounts/${id}`,
      headers: admin,
      payload: { connection: { url: 'https://192.168.0.10/AcumaticaERP', restPassword: 'pw2' } },
    });
    assert.equal(moved.statusCode, 400, moved.body);
    assert.equal(moved.json().error.code, 'destination_refused');
  });
});

describe('an unreachable Acumatica', () => {
  it('shows the last failure per entity type while retrying, then ends the run failed with one line', async () => {
    // A port nothing listens on: every connect is refused.
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const { id, key } = await newAccount();
    await moveAccount(id, key, { url: `http://127.0.0.1:${port}`, restPassword: 'pw', clientSecret: 'cs' });
    const start = await inject({
      method: 'POST',
      url: `/accounts/${id}/syncs`,
      headers: bearer(key),
      payload: {},
    });
    assert.equal(start.statusCode, 202, start.body);
    const runUrl = `/accounts/${id}/syncs/${encodeURIComponent(start.json().runId)}`;
    const get = async () => {
      const res = await inject({ method: 'GET', url: runUrl, headers: bearer(key) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{
        status: string;
        progress: { entities: Record<string, { lastFailure?: { message: string; attempt: number } }> } | null;
        result: { outcome: string; message?: string } | null;
      }>();
    };

    const seen = await waitFor(
      'the run progress to show the last failure',
      async () => {
        const run = await get();
        if (run.status !== 'running')
          throw new Error(`the run closed before showing a failure: ${JSON.stringify(run)}`);
        const failure = run.progress?.entities.customers?.lastFailure;
        return failure?.message.includes('ECONNREFUSED') ? failure : undefined;
      },
      30_000,
    );
    assert.match(seen.message, /network error/);
    assert.ok(seen.attempt >= 1);

    const closedRun = await waitFor(
      'the run to give up',
      async () => {
        const run = await get();
        return run.status === 'running' ? undefined : run;
      },
      90_000,
    );
    assert.equal(closedRun.result?.outcome, 'failed', JSON.stringify(closedRun));
    const message = closedRun.result?.message ?? '';
    assert.match(message, /^Run stopped: Acumatica unreachable: a page kept failing for 8 s/);
    assert.match(message, /ECONNREFUSED/);
    assert.equal(message.split('\n').length, 1, 'one line');
  });
});

describe('API keys', () => {
  it('several keys per account with label, created and last-used; revocation takes effect at once', async () => {
    const { id, key: first } = await newAccount();
    const keysUrl = `/accounts/${id}/keys`;
    const created = await inject({
      method: 'POST',
      url: keysUrl,
      headers: bearer(first),
      payload: { label: 'ci' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const second = created.json<{ apiKey: string; key: { id: string; label: string } }>();
    assert.equal(second.key.label, 'ci');
    assert.ok(second.apiKey.startsWith('fsk_'));

    const list = await inject({ method: 'GET', url: keysUrl, headers: bearer(second.apiKey) });
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json<{
      items: {
        id: string;
        label: string | null;
        createdAt: string;
        lastUsedAt: string | null;
        prefix: string;
      }[];
    }>().items;
    assert.deepEqual(
      items.map((k) => k.label),
      ['initial', 'ci'],
    );
    const initial = items[0]!;
    assert.ok(initial.lastUsedAt !== null, 'the first key was used to create the second');
    assert.ok(first.startsWith(initial.prefix));
    assert.ok(!list.body.includes(first) && !list.body.includes(second.apiKey), 'keys are never listed');
    // The admin sees them too; another account does not even learn the account exists.
    assert.equal((await inject({ method: 'GET', url: keysUrl, headers: admin })).statusCode, 200);
    const stranger = await newAccount();
    assert.equal(
      (await inject({ method: 'GET', url: keysUrl, headers: bearer(stranger.key) })).statusCode,
      404,
    );
    const steal = await inject({
      method: 'DELETE',
      url: `${keysUrl}/${second.key.id}`,
      headers: bearer(stranger.key),
    });
    assert.equal(steal.statusCode, 404);

    // Rotation: the new key revokes the old one, which is refused from the very next request.
    const revoke = await inject({
      method: 'DELETE',
      url: `${keysUrl}/${initial.id}`,
      headers: bearer(second.apiKey),
    });
    assert.equal(revoke.statusCode, 204, revoke.body);
    const old = await inject({ method: 'GET', url: `/accounts/${id}`, headers: bearer(first) });
    assert.equal(old.statusCode, 401);
    assert.equal(
      (await inject({ method: 'GET', url: `/accounts/${id}`, headers: bearer(second.apiKey) })).statusCode,
      200,
    );
    const again = await inject({ method: 'DELETE', url: `${keysUrl}/${initial.id}`, headers: admin });
    assert.equal(again.statusCode, 404);

    const bad = await inject({ method: 'POST', url: keysUrl, headers: admin, payload: { label: '' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /label/);
  });
});

describe('readiness', () => {
  it('is ready while a worker polls both task queues', async () => {
    const ready = await inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.deepEqual(ready.json().checks.worker, { ok: true });
  });
});
