/**
 * Overview: the connection, the schedule and next run, the run in progress with live progress per entity
 * type, the last run's summary, unread reminders and the count of failed records.
 */
import { accountPath, api, runPath } from '../client';
import { href } from '../router';
import type {
  AccountView,
  FailedRecordsView,
  NotificationPage,
  ScheduleView,
  SyncRunDetail,
  SyncRunView,
} from '../types';
import { Async, Empty, ScreenTitle, StatusBadge, useLoad, When } from '../ui';
import { ProgressTable, SummaryTable } from './runs-shared';
import { ConnectionCheck } from './connection-check';
import { StartRunButtons } from './runs';

/** How often the Overview refreshes while a run is in progress (and otherwise). */
const LIVE_POLL_MS = 2_000;
const IDLE_POLL_MS = 15_000;

export function OverviewScreen({ account }: { account: AccountView }) {
  const runs = useLoad(
    () => api<{ items: SyncRunView[] }>('GET', accountPath(account.id, '/syncs'), { query: { limit: 10 } }),
    [account.id],
    IDLE_POLL_MS,
  );
  const running = runs.data?.items.find((r) => r.status === 'running');
  const lastDone = runs.data?.items.find((r) => r.status !== 'running');
  return (
    <>
      <ScreenTitle>Overview</ScreenTitle>
      <div class="grid">
        <ConnectionCard account={account} />
        <ScheduleCard account={account} />
        <FailedCard account={account} />
        <RemindersCard account={account} />
      </div>
      <section class="card" aria-labelledby="current-run">
        <h2 id="current-run">Run in progress</h2>
        <Async loaded={runs} what="runs">
          {() =>
            running ? (
              <LiveRun account={account} run={running} onDone={runs.reload} />
            ) : (
              <>
                <Empty>No run is in progress.</Empty>
                <StartRunButtons account={account} onStarted={runs.reload} />
              </>
            )
          }
        </Async>
      </section>
      <section class="card" aria-labelledby="last-run">
        <h2 id="last-run">Last run</h2>
        <Async loaded={runs} what="runs">
          {() =>
            lastDone ? <LastRun account={account} run={lastDone} /> : <Empty>No run has finished yet.</Empty>
          }
        </Async>
      </section>
    </>
  );
}

function ConnectionCard({ account }: { account: AccountView }) {
  const c = account.connection;
  return (
    <section class="card" aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      {c ? (
        <dl class="facts">
          <dt>Acumatica</dt>
          <dd class="wrap">{c.url}</dd>
          <dt>Tenant</dt>
          <dd>{c.tenant}</dd>
          <dt>Sign-in</dt>
          <dd>{c.authMode === 'oauth' ? 'OAuth' : 'Session cookie'}</dd>
        </dl>
      ) : (
        <Empty>No Acumatica connection yet.</Empty>
      )}
      <ConnectionCheck account={account} label="Check the connection" compact />
      <a href={href('settings')}>Change the connection</a>
    </section>
  );
}

function ScheduleCard({ account }: { account: AccountView }) {
  const schedule = useLoad(
    () => api<ScheduleView>('GET', accountPath(account.id, '/schedule')),
    [account.id],
    IDLE_POLL_MS,
  );
  return (
    <section class="card" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule</h2>
      <Async loaded={schedule} what="the schedule">
        {(s) => (
          <dl class="facts">
            <dt>Runs</dt>
            <dd>{s.paused ? 'Paused' : `Every ${s.intervalMinutes} minutes`}</dd>
            <dt>Next run</dt>
            <dd>{s.paused ? '—' : <When iso={s.nextRunTimes[0]} />}</dd>
          </dl>
        )}
      </Async>
    </section>
  );
}

function FailedCard({ account }: { account: AccountView }) {
  const failed = useLoad(
    () => api<FailedRecordsView>('GET', accountPath(account.id, '/failed-records'), { query: { limit: 1 } }),
    [account.id],
    IDLE_POLL_MS,
  );
  return (
    <section class="card" aria-labelledby="failed-heading">
      <h2 id="failed-heading">Failed records</h2>
      <Async loaded={failed} what="failed records">
        {(f) => (
          <p class="big-number">
            <a href={href('problems')}>
              {f.total} <span>{f.total === 1 ? 'record says' : 'records say'} “Sync Failed”</span>
            </a>
          </p>
        )}
      </Async>
    </section>
  );
}

function RemindersCard({ account }: { account: AccountView }) {
  const reminders = useLoad(
    () =>
      api<NotificationPage>('GET', accountPath(account.id, '/notifications'), {
        query: { unread: true, limit: 3 },
      }),
    [account.id],
    IDLE_POLL_MS,
  );
  return (
    <section class="card" aria-labelledby="reminders-heading">
      <h2 id="reminders-heading">Unread reminders</h2>
      <Async loaded={reminders} what="reminders">
        {(r) =>
          r.unread === 0 ? (
            <Empty>You have read every reminder.</Empty>
          ) : (
            <>
              <ul class="plain">
                {r.items.map((n) => (
                  <li key={n.id}>
                    {n.title} · <When iso={n.createdAt} />
                  </li>
                ))}
              </ul>
              <a href={href('reminders')}>
                {r.unread} unread reminder{r.unread === 1 ? '' : 's'}
              </a>
            </>
          )
        }
      </Async>
    </section>
  );
}

function LiveRun({ account, run, onDone }: { account: AccountView; run: SyncRunView; onDone: () => void }) {
  const detail = useLoad(
    async () => {
      const d = await api<SyncRunDetail>('GET', runPath(account.id, run.runId));
      if (d.status !== 'running') onDone();
      return d;
    },
    [run.runId],
    LIVE_POLL_MS,
  );
  return (
    <Async loaded={detail} what="the run's progress">
      {(d) => (
        <>
          <p>
            <a href={href('runs', run.runId)}>{run.full ? 'Full' : 'Incremental'} run</a> started{' '}
            <When iso={run.startedAt} /> · <StatusBadge status={d.progress?.status ?? d.status} />
          </p>
          {d.progress ? (
            <ProgressTable progress={d.progress} />
          ) : (
            <Empty>Waiting for the worker to report.</Empty>
          )}
        </>
      )}
    </Async>
  );
}

function LastRun({ account, run }: { account: AccountView; run: SyncRunView }) {
  const detail = useLoad(() => api<SyncRunDetail>('GET', runPath(account.id, run.runId)), [run.runId]);
  return (
    <Async loaded={detail} what="the last run">
      {(d) => (
        <>
          <p>
            <a href={href('runs', run.runId)}>
              {run.full ? 'Full' : 'Incremental'} run, <When iso={run.startedAt} />
            </a>{' '}
            · <StatusBadge status={d.status} /> {d.summary && <span>{d.summary}</span>}
          </p>
          {d.result ? (
            <SummaryTable summary={d.result} caption="Counts per entity type" />
          ) : (
            d.failure && <p class="error-text">{d.failure}</p>
          )}
        </>
      )}
    </Async>
  );
}
