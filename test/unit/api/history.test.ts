import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatFailure, formatHistory } from '../../../api/services/history';

const ts = (s: number) => ({ seconds: { toString: () => String(s) }, nanos: 500_000_000 });

it('turns a history into a readable event log linked by scheduled and initiated ids, without payloads', () => {
  const entries = formatHistory({
    events: [
      {
        eventId: 1,
        eventTime: ts(1_769_853_600),
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'syncAccount' },
          taskQueue: { name: 'fsac-sync' },
          attempt: 1,
          input: { payloads: [{ data: 'c2VjcmV0' }] },
        },
      },
      {
        eventId: 5,
        eventTime: ts(1_769_853_601),
        activityTaskScheduledEventAttributes: {
          activityType: { name: 'pushPage' },
          activityId: '3',
          taskQueue: { name: 'fsac-acumatica' },
        },
      },
      {
        eventId: 6,
        eventTime: ts(1_769_853_602),
        activityTaskStartedEventAttributes: {
          scheduledEventId: 5,
          attempt: 2,
          lastFailure: { message: 'socket hang up', applicationFailureInfo: { type: 'AcumaticaRetryable' } },
        },
      },
      {
        eventId: 7,
        activityTaskFailedEventAttributes: {
          scheduledEventId: 5,
          failure: {
            message: 'Activity failed',
            cause: { message: 'invalid credentials', applicationFailureInfo: { type: 'AcumaticaAuth' } },
          },
          retryState: 2,
        },
      },
      {
        eventId: 8,
        startChildWorkflowExecutionInitiatedEventAttributes: {
          workflowType: { name: 'syncEntity' },
          workflowId: 'sync/acc/x/customers',
        },
      },
      {
        eventId: 9,
        childWorkflowExecutionCompletedEventAttributes: { initiatedEventId: 8, result: { payloads: [] } },
      },
    ],
  });
  assert.deepEqual(entries[0], {
    eventId: 1,
    time: '2026-01-31T10:00:00.500Z',
    type: 'WorkflowExecutionStarted',
    workflowType: 'syncAccount',
    taskQueue: 'fsac-sync',
    attempt: 1,
  });
  assert.equal(entries[1]?.activity, 'pushPage');
  assert.deepEqual(
    { activity: entries[2]?.activity, attempt: entries[2]?.attempt, lastFailure: entries[2]?.lastFailure },
    { activity: 'pushPage', attempt: 2, lastFailure: 'AcumaticaRetryable: socket hang up' },
  );
  assert.equal(entries[3]?.failure, 'Activity failed ← AcumaticaAuth: invalid credentials');
  assert.equal(entries[3]?.retryState, 'NON_RETRYABLE_FAILURE');
  assert.equal(entries[3]?.time, null);
  assert.deepEqual(
    { type: entries[5]?.type, child: entries[5]?.childWorkflowType, id: entries[5]?.childWorkflowId },
    { type: 'ChildWorkflowExecutionCompleted', child: 'syncEntity', id: 'sync/acc/x/customers' },
  );
  assert.ok(!JSON.stringify(entries).includes('c2VjcmV0'), 'payloads are never copied');
});

it('formats a failure chain with types, skipping repeats', () => {
  assert.equal(formatFailure(undefined), undefined);
  assert.equal(formatFailure({ message: 'x', cause: { message: 'x' } }), 'x');
});
