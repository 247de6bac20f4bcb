import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { HttpTransport } from '../../../acumatica/http';
import {
  destinationProblem,
  OutboundPolicyError,
  outboundPolicy,
  urlProblem,
  type OutboundPolicy,
} from '../../../runtime/outbound';

const production = (hosts: string[] = [], ranges: string[] = []): OutboundPolicy =>
  outboundPolicy({ NODE_ENV: 'production', OUTBOUND_ALLOW_HOSTS: hosts, OUTBOUND_ALLOW_RANGES: ranges });
const development = outboundPolicy({
  NODE_ENV: 'development',
  OUTBOUND_ALLOW_HOSTS: [],
  OUTBOUND_ALLOW_RANGES: [],
});

describe('outbound policy', () => {
  it('in production wants https and a public address', () => {
    const strict = production();
    assert.match(urlProblem('http://erp.example.com/Acu', strict) ?? '', /must be an https URL/);
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.20.0.1/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://[::1]/x',
      'https://[::ffff:10.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
    ]) {
      assert.ok(urlProblem(url, strict) !== undefined, url);
    }
    assert.equal(urlProblem('https://8.8.8.8/AcumaticaERP', strict), undefined);
    assert.equal(urlProblem('https://[2606:4700::1111]/x', strict), undefined);
    assert.equal(urlProblem('https://erp.example.com/AcumaticaERP', strict), undefined);
    assert.match(urlProblem('https://user:pw@erp.example.com/', strict) ?? '', /user name or password/);
  });

  it('lets an operator allow on-premises hosts and private ranges', () => {
    const policy = production(['erp.corp.local', '10.9.8.7'], ['10.20.0.0/16', 'fd12::/16']);
    assert.equal(urlProblem('http://erp.corp.local/Acu', policy), undefined);
    assert.equal(urlProblem('http://10.9.8.7/Acu', policy), undefined);
    assert.equal(urlProblem('https://10.20.3.4/Acu', policy), undefined);
    assert.equal(urlProblem('https://[fd12::5]/Acu', policy), undefined);
    assert.ok(urlProblem('https://10.21.3.4/Acu', policy) !== undefined, 'outside the allowed range');
    assert.ok(urlProblem('http://10.20.3.4/Acu', policy) !== undefined, 'ranges do not allow http');
  });

  it('in development allows http and loopback (the emulator) but no other private address', () => {
    assert.equal(urlProblem('http://127.0.0.1:8180', development), undefined);
    assert.equal(urlProblem('http://[::1]:8180', development), undefined);
    assert.ok(urlProblem('http://169.254.169.254/', development) !== undefined);
    assert.ok(urlProblem('http://10.0.0.1/', development) !== undefined);
  });

  it('checks every address a name resolves to when a connection is saved', async () => {
    const strict = production();
    const resolveTo =
      (...addresses: string[]) =>
      () =>
        Promise.resolve(addresses.map((address) => ({ address })));
    assert.equal(
      await destinationProblem('https://erp.example.com/', strict, resolveTo('93.184.216.34')),
      undefined,
    );
    assert.match(
      (await destinationProblem(
        'https://erp.example.com/',
        strict,
        resolveTo('93.184.216.34', '10.0.0.8'),
      )) ?? '',
      /10\.0\.0\.8, which is not a public address/,
    );
    assert.match(
      (await destinationProblem('https://nowhere.invalid/', strict, () =>
        Promise.reject(new Error('ENOTFOUND')),
      )) ?? '',
      /does not resolve/,
    );
  });

  it('refuses at connect time when a name resolves to a forbidden address (DNS rebinding)', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // As if `localhost` had resolved to a public address when the connection was saved.
    const policy: OutboundPolicy = { ...production(), allowHttp: true };
    const transport = new HttpTransport(`http://localhost:${port}`, 5_000, { outbound: policy });
    try {
      await assert.rejects(
        transport.send({ method: 'GET', path: '/x', headers: {} }, { method: 'GET', path: '/x' }),
        (err: unknown) => err instanceof OutboundPolicyError && /loopback/.test(err.message),
      );
      assert.equal(connections, 0, 'no connection was opened');
      // The same transport under development's policy reaches the server: the refusal was the policy.
      const open = new HttpTransport(`http://localhost:${port}`, 5_000, { outbound: development });
      const res = await open.send({ method: 'GET', path: '/x', headers: {} }, { method: 'GET', path: '/x' });
      assert.equal(res.status, 200);
      await open.close();
    } finally {
      await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
