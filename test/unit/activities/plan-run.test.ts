import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createStoreActivities, type StoreActivityDeps } from '../../../activities/store-activities';
import { DEFAULT_SETTINGS, type AccountSettings } from '../../../core/settings';
import { FAILURE_TYPES, type RunPlan } from '../../../core/runs';
import type { PlanRunInput } from '../../../activities/types';
import type { Account } from '../../../store/accounts';
import type { AcquireResult, RunLocks } from '../../../store/run-locks';

const STARTED = '2025-06-30T12:00:00.000Z';

function deps(options: {
  account?: Partial<Account> | null;
  settings?: Partial<AccountSettings>;
  lock?: AcquireResult;
  watermark?: Date | null;
}): { deps: StoreActivityDeps; acquired: string[] } {
  const acquired: string[] = [];
  const account: Account | null =
    options.account === null
      ? null
      : {
          id: 'acc_1',
          name: 'Test',
          settings: { ...DEFAULT_SETTINGS, ...options.settings },
          connection: {
            url: 'https://erp.example.com',
            tenant: 'Company',
            restUsername: 'api',
            restVersion: '24.200.001',
            endpointName: 'Default',
            authMode: 'cookie',
            hasRestPassword: true,
            hasClientSecret: false,
          },
          createdAt: new Date(),
          updatedAt: new Date(),
          ...options.account,
        };
  const runLocks = {
    acquire: (_account: string, workflowId: string) => {
      acquired.push(workflowId);
      return Promise.resolve(options.lock ?? { status: 'acquired' });
    },
  } as unknown as RunLocks;
  return {
    acquired,
    deps: {
      store: {
        accounts: {
          get: () => Promise.resolve(account),
          connectionVersion: () => Promise.resolve('c0nn3ct10nv3rs10n'),
        },
        watermarks: { get: () => Promise.resolve(options.watermark ?? null) },
      } as unknown as StoreActivityDeps['store'],
      runLocks,
      holderCheck: () => Promise.resolve('running'),
      temporal: {} as StoreActivityDeps['temporal'],
      config: {
        TEMPORAL_ACUMATICA_TASK_QUEUE: 'acu',
        SYNC_PAGE_SIZE: 100,
        SYNC_CONTINUE_AS_NEW_EVENTS: 500,
        SYNC_UNREACHABLE_TIMEOUT_SECONDS: 900,
      },
      logger: pino({ level: 'silent' }),
    },
  };
}

const run = (d: StoreActivityDeps, input: Partial<PlanRunInput> = {}): Promise<RunPlan> =>
  new MockActivityEnvironment().run(createStoreActivities(d).planRun, {
    accountId: 'acc_1',
    trigger: 'manual' as const,
    workflowId: 'sync/acc_1/1',
    startedAt: STARTED,
    ...input,
  });

describe('planRun', () => {
  test('selects the account’s types intersected with the requested ones, in catalog order', async () => {
    const { deps: d } = deps({ settings: { entityTypes: ['invoices', 'customers', 'vendors'] } });
    const plan = await run(d, { entityTypes: ['vendors', 'invoices', 'products'] });
    assert.deepEqual(plan.entityTypes, ['vendors', 'invoices']);
    assert.deepEqual(plan.runtime, {
      acumaticaTaskQueue: 'acu',
      pageSize: 100,
      continueAsNewAt: 500,
      unreachableTimeoutSeconds: 900,
    });
    assert.deepEqual(plan.pullSince, { vendors: null }, 'pull windows only for pulled types');
    assert.equal(plan.settings.restVersion, '24.200.001');
    assert.equal(plan.connectionVersion, 'c0nn3ct10nv3rs10n', 'the run keeps the connection it started with');
    assert.equal(JSON.stringify(plan).includes('password'), false);
  });

  test('the full-sync flag or the request makes the run full', async () => {
    assert.equal((await run(deps({ settings: { fullSyncOnNextRun: true } }).deps)).full, true);
    assert.equal((await run(deps({}).deps, { full: true })).full, true);
    assert.equal((await run(deps({}).deps)).full, false);
  });

  test('another running holder makes the run skip, naming it', async () => {
    const { deps: d } = deps({
      lock: { status: 'held', holder: { workflowId: 'sync/acc_1/0', at: new Date() } },
    });
    const plan = await run(d);
    assert.equal(plan.skipReason, 'another run (sync/acc_1/0) is in progress');
  });

  test('an account without a connection is skipped without taking the lock', async () => {
    const { deps: d, acquired } = deps({ account: { connection: null } });
    const plan = await run(d);
    assert.match(plan.skipReason ?? '', /no Acumatica connection/);
    assert.deepEqual(acquired, []);
  });

  test('a missing account fails for good', async () => {
    await assert.rejects(run(deps({ account: null }).deps), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, FAILURE_TYPES.accountNotFound);
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });
});
