import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createAuthenticator, type AuthSettings, type RawSend } from '../../../acumatica/auth';
import { applySetCookie } from '../../../acumatica/auth-cookie';
import type { HttpRequest, HttpResponse } from '../../../acumatica/http';

const logger = pino({ level: 'silent' });
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A scripted server: answers each request through `respond`, after the test lets it through. */
function fakeServer(respond: (req: HttpRequest) => HttpResponse) {
  const requests: HttpRequest[] = [];
  let gate: Promise<void> = Promise.resolve();
  const send: RawSend = async (req) => {
    requests.push(req);
    await gate;
    return respond(req);
  };
  return {
    requests,
    send,
    /** Holds responses until the returned function is called, so calls can overlap. */
    hold(): () => void {
      let open = () => {};
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        gate = Promise.resolve();
        open();
      };
    },
  };
}

function form(req: HttpRequest): URLSearchParams {
  return new URLSearchParams(req.body ?? '');
}

const oauth: AuthSettings = {
  kind: 'oauth',
  clientId: '5F1C8E4A-0B7D-4E8A-9C31-2D7A6B90E4F2',
  clientSecret: 'shh-secret',
  username: 'admin',
  password: 'pa55word',
};

/** Token endpoint that issues `at-N`/`rt-N` and accepts only the latest refresh token. */
function tokenServer(expiresIn = 3600) {
  let issued = 0;
  let validRefresh: string | undefined;
  const server = fakeServer((req) => {
    if (req.path.endsWith('/entity/auth/logout')) return { status: 204, headers: {}, body: '' };
    const p = form(req);
    if (p.get('grant_type') === 'refresh_token' && p.get('refresh_token') !== validRefresh) {
      return { status: 400, headers: {}, body: JSON.stringify({ error: 'invalid_grant' }) };
    }
    issued++;
    validRefresh = `rt-${issued}`;
    return {
      status: 200,
      headers: {},
      body: JSON.stringify({
        access_token: `at-${issued}`,
        refresh_token: validRefresh,
        expires_in: expiresIn,
        token_type: 'Bearer',
      }),
    };
  });
  return server;
}

describe('OAuth authenticator', () => {
  it('signs in once for concurrent callers with the password grant and tenant-suffixed client id', async () => {
    const server = tokenServer();
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '/erp',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    const open = server.hold();
    const calls = [auth.authorize(), auth.authorize(), auth.authorize()];
    await flush();
    open();
    const creds = await Promise.all(calls);
    assert.equal(server.requests.length, 1);
    const req = server.requests[0]!;
    assert.equal(req.path, '/erp/identity/connect/token');
    const p = form(req);
    assert.equal(p.get('grant_type'), 'password');
    assert.equal(p.get('client_id'), '5F1C8E4A-0B7D-4E8A-9C31-2D7A6B90E4F2@Company');
    assert.equal(p.get('scope'), 'api offline_access');
    for (const c of creds) assert.equal(c.headers.authorization, 'Bearer at-1');
  });

  it('refreshes once before expiry and always uses the newest (rotated) refresh token', async () => {
    const server = tokenServer(600);
    let now = 0;
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => now,
      refreshSkewMs: 60_000,
    });
    await auth.authorize();
    now = 539_000; // still 61 s before expiry: no refresh
    assert.equal((await auth.authorize()).headers.authorization, 'Bearer at-1');
    now = 541_000; // inside the skew window
    const open = server.hold();
    const calls = [auth.authorize(), auth.authorize()];
    await flush();
    open();
    const creds = await Promise.all(calls);
    assert.deepEqual(
      creds.map((c) => c.headers.authorization),
      ['Bearer at-2', 'Bearer at-2'],
    );
    assert.equal(server.requests.length, 2);
    assert.equal(form(server.requests[1]!).get('refresh_token'), 'rt-1');
    now += 541_000;
    await auth.authorize();
    assert.equal(form(server.requests[2]!).get('refresh_token'), 'rt-2');
  });

  it('renews once for several 401s of the same generation', async () => {
    const server = tokenServer();
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    const first = await auth.authorize();
    const open = server.hold();
    const renewals = [auth.renew(first.generation), auth.renew(first.generation)];
    await flush();
    open();
    await Promise.all(renewals);
    await auth.renew(first.generation); // stale generation: nothing to do
    assert.equal(server.requests.length, 2);
    const next = await auth.authorize();
    assert.equal(next.headers.authorization, 'Bearer at-2');
    assert.notEqual(next.generation, first.generation);
  });

  it('falls back to the password grant when the refresh token is refused', async () => {
    let refreshRefused = 0;
    let issued = 0;
    const server = fakeServer((req) => {
      const p = form(req);
      if (p.get('grant_type') === 'refresh_token') {
        refreshRefused++;
        return { status: 400, headers: {}, body: JSON.stringify({ error: 'invalid_grant' }) };
      }
      issued++;
      return {
        status: 200,
        headers: {},
        body: JSON.stringify({ access_token: `at-${issued}`, refresh_token: 'rt', expires_in: 3600 }),
      };
    });
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    const first = await auth.authorize();
    await auth.renew(first.generation);
    assert.equal(refreshRefused, 1);
    assert.equal((await auth.authorize()).headers.authorization, 'Bearer at-2');
  });

  it('surfaces refused credentials as AcumaticaAuth and hides secrets', async () => {
    const server = fakeServer(() => ({
      status: 400,
      headers: {},
      body: JSON.stringify({
        error: 'invalid_grant',
        error_description: 'invalid_username_or_password pa55word',
      }),
    }));
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    await assert.rejects(auth.authorize(), (err: Error & { type?: string }) => {
      assert.equal(err.type, 'AcumaticaAuth');
      assert.doesNotMatch(err.message, /pa55word|shh-secret/);
      return true;
    });
  });

  it('reports an exhausted licence as AcumaticaSeatLimit', async () => {
    const server = fakeServer(() => ({
      status: 429,
      headers: {},
      body: JSON.stringify({ exceptionMessage: 'API Login Limit' }),
    }));
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    await assert.rejects(auth.authorize(), { type: 'AcumaticaSeatLimit' });
  });

  it('logs out with the bearer token and an explicit empty body', async () => {
    const server = tokenServer();
    const auth = createAuthenticator(oauth, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 60_000,
    });
    await auth.authorize();
    await auth.logout();
    const logout = server.requests.at(-1)!;
    assert.equal(logout.path, '/entity/auth/logout');
    assert.equal(logout.headers.authorization, 'Bearer at-1');
    assert.equal(logout.headers['content-length'], '0');
    await auth.logout(); // nothing left to sign out of
    assert.equal(server.requests.length, 2);
  });
});

describe('Cookie authenticator', () => {
  const cookie: AuthSettings = { kind: 'cookie', username: 'admin', password: 'pa55word', branch: 'HQ' };

  function loginServer() {
    let logins = 0;
    return fakeServer((req) => {
      if (req.path.endsWith('/login')) {
        logins++;
        return {
          status: 204,
          headers: {
            'set-cookie': [
              `ASP.NET_SessionId=s${logins}; path=/; HttpOnly`,
              `.ASPXAUTH=a${logins}; path=/`,
              'UserBranch=1',
            ],
          },
          body: '',
        };
      }
      return { status: 204, headers: {}, body: '' };
    });
  }

  it('logs in once for concurrent callers, sending tenant and branch, and replays the cookie jar', async () => {
    const server = loginServer();
    const auth = createAuthenticator(cookie, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 0,
    });
    const open = server.hold();
    const calls = [auth.authorize(), auth.authorize()];
    await flush();
    open();
    const creds = await Promise.all(calls);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(JSON.parse(server.requests[0]!.body ?? ''), {
      name: 'admin',
      password: 'pa55word',
      tenant: 'Company',
      branch: 'HQ',
    });
    assert.equal(creds[0]!.headers.cookie, 'ASP.NET_SessionId=s1; .ASPXAUTH=a1; UserBranch=1');
  });

  it('re-logs in once on 401 and logs out with cookies and Content-Length: 0', async () => {
    const server = loginServer();
    const auth = createAuthenticator(cookie, {
      tenant: 'Company',
      basePath: '',
      send: server.send,
      logger,
      now: () => 0,
      refreshSkewMs: 0,
    });
    const first = await auth.authorize();
    await Promise.all([auth.renew(first.generation), auth.renew(first.generation)]);
    const second = await auth.authorize();
    assert.equal(second.headers.cookie, 'ASP.NET_SessionId=s2; .ASPXAUTH=a2; UserBranch=1');
    auth.observe({ 'set-cookie': '.ASPXAUTH=renewed; path=/' });
    await auth.logout();
    const logout = server.requests.at(-1)!;
    assert.equal(logout.path, '/entity/auth/logout');
    assert.equal(logout.headers['content-length'], '0');
    assert.equal(logout.headers.cookie, 'ASP.NET_SessionId=s2; .ASPXAUTH=renewed; UserBranch=1');
    assert.equal(server.requests.filter((r) => r.path.endsWith('/login')).length, 2);
  });
});

describe('applySetCookie', () => {
  it('stores, replaces and removes cookies', () => {
    const jar = new Map<string, string>();
    const now = Date.parse('2025-01-01T00:00:00Z');
    applySetCookie(
      jar,
      ['a=1; path=/', 'b=2; Max-Age=100', 'c=3; expires=Wed, 01 Jan 2031 00:00:00 GMT'],
      now,
    );
    assert.deepEqual(
      [...jar],
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    );
    applySetCookie(
      jar,
      ['a=; path=/', 'b=2; Max-Age=0', 'c=3; expires=Thu, 01 Jan 1970 00:00:00 GMT', 'd=x=y'],
      now,
    );
    assert.deepEqual([...jar], [['d', 'x=y']]);
  });
});
