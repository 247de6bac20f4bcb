import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnLogged, Stack } from '../../../scripts/stack';
import { waitFor } from '../../helpers/wait';

test('the dev stack restarts a supervised process that dies, says so, and not once the stack stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsac-stack-'));
  const stack = new Stack();
  const said: string[] = [];
  let starts = 0;
  const worker = stack.supervise(
    () => {
      starts += 1;
      return spawnLogged(
        'worker',
        process.execPath,
        ['-e', 'setInterval(() => {}, 1000)'],
        join(dir, 'worker.log'),
      );
    },
    (line) => said.push(line),
  );
  try {
    const first = worker.child.pid;
    worker.child.kill('SIGKILL');
    await waitFor(
      'the worker to be restarted',
      () => (starts === 2 && worker.child.pid !== first ? true : undefined),
      20_000,
    );
    assert.match(
      said[0] ?? '',
      /^worker was killed \(SIGKILL\); restarting it in 1 s \(log: .*worker\.log\)$/,
    );
    assert.equal(said[1], 'worker restarted');
    assert.equal(worker.child.exitCode, null, 'the new process runs');
  } finally {
    await stack.stopAll();
  }
  assert.ok(worker.child.exitCode !== null || worker.child.signalCode !== null, 'stopped with the stack');
  assert.equal(starts, 2, 'a stop is not a death: no restart');
  assert.equal(said.length, 2, said.join('\n'));
});
