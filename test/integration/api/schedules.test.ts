import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { ScheduleService, scheduleId } from '../../../api/services/schedules';
import { waitFor } from '../../helpers/wait';

let connection: Connection;
let client: Client;
let schedules: ScheduleService;

before(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  schedules = new ScheduleService(client);
});
after(async () => {
  await connection.close();
});

test('an account schedule is created, updated, paused, fires its run workflow, and is deleted', async () => {
  const accountId = `acc_${randomUUID().slice(0, 12)}`;
  const taskQueue = `test-schedules-${randomUUID()}`;
  await schedules.upsert({ accountId, executionDelayMinutes: 15, paused: false, taskQueue });

  let desc = await schedules.describe(accountId);
  assert.ok(desc, 'schedule exists');
  assert.equal(desc.scheduleId, scheduleId(accountId));
  assert.equal(desc.spec.intervals?.[0]?.every, 15 * 60_000);
  assert.equal(desc.policies.overlap, ScheduleOverlapPolicy.SKIP);
  assert.equal(desc.policies.catchupWindow, 5 * 60_000);
  assert.equal(desc.action.type, 'startWorkflow');
  assert.equal(desc.action.type === 'startWorkflow' && desc.action.workflowType, 'syncAccount');
  assert.deepEqual(desc.action.type === 'startWorkflow' && desc.action.args, [
    { accountId, trigger: 'schedule' },
  ]);
  assert.equal(desc.state.paused, false);

  // Upsert is idempotent and applies a new delay.
  await schedules.upsert({ accountId, executionDelayMinutes: 45, paused: false, taskQueue });
  desc = await schedules.describe(accountId);
  assert.equal(desc?.spec.intervals?.[0]?.every, 45 * 60_000);

  await schedules.pause(accountId);
  assert.equal((await schedules.describe(accountId))?.state.paused, true);
  await schedules.resume(accountId);
  assert.equal((await schedules.describe(accountId))?.state.paused, false);

  // Firing the schedule really starts the account's run workflow (a tick does the same).
  await schedules.trigger(accountId);
  const action = await waitFor(
    'the schedule to start a run',
    async () => (await schedules.describe(accountId))?.info.recentActions[0],
  );
  const workflowId = action.action.workflow.workflowId;
  assert.match(workflowId, new RegExp(`^sync/${accountId}/scheduled`));
  const run = await client.workflow.getHandle(workflowId).describe();
  assert.equal(run.type, 'syncAccount');
  assert.equal(run.taskQueue, taskQueue);
  await client.workflow.getHandle(workflowId).terminate('test done');

  await schedules.delete(accountId);
  assert.equal(await schedules.describe(accountId), null);
  await schedules.delete(accountId); // deleting twice is not an error
});

test('a paused account gets a paused schedule', async () => {
  const accountId = `acc_${randomUUID().slice(0, 12)}`;
  await schedules.upsert({ accountId, executionDelayMinutes: 20, paused: true, taskQueue: 'unused' });
  assert.equal((await schedules.describe(accountId))?.state.paused, true);
  await schedules.delete(accountId);
});
