import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import pino from 'pino';
import { AcumaticaClient } from '../../../acumatica/client';
import { AcumaticaThrottledError } from '../../../acumatica/errors';
import { RequestLimiter } from '../../../acumatica/limiter';

test('a request the account limiter would hold back too long fails at once as throttled, unsent', async (t) => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const limiter = new RequestLimiter({ requestsPerMinute: 600, maxConcurrent: 2 });
  const client = new AcumaticaClient(
    {
      baseUrl: `http://127.0.0.1:${port}`,
      tenant: 'Company',
      endpointName: 'Default',
      restVersion: '24.200.001',
      auth: { kind: 'cookie', username: 'u', password: 'p' },
    },
    { logger: pino({ level: 'silent' }), limiter, maxPacingWaitMs: 5_000 },
  );
  t.after(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  assert.equal(limiter.expectedWaitMs(), 0);
  // A 429 told every client of the account to hold back for a minute.
  limiter.backoff(60_000);
  const wait = limiter.expectedWaitMs();
  assert.ok(wait > 59_000 && wait <= 60_100, String(wait));
  await assert.rejects(client.list('Customer', { top: 1 }), (err: unknown) => {
    assert.ok(err instanceof AcumaticaThrottledError, String(err));
    assert.ok((err.retryAfterMs ?? 0) > 59_000, String(err.retryAfterMs));
    assert.match(err.message, /licence budget holds requests back for 60 s/);
    return true;
  });
  assert.equal(requests, 0, 'nothing was sent, and nothing slept');
});
