/**
 * One run: its status and live progress, its summary per entity type, its failed records, its event
 * history from Temporal, and a link to the run in the Temporal UI.
 */
import { useState } from 'preact/hooks';
import { api, runPath } from '../client';
import { href } from '../router';
import type { AccountView, HistoryEventView, SyncRunDetail } from '../types';
import { Async, Empty, ScreenTitle, StatusBadge, useLoad, When, TableWrap } from '../ui';
import { FailureList, ProgressTable, SummaryTable } from './runs-shared';

const LIVE_POLL_MS = 2_000;

export function RunScreen({ account, runId }: { account: AccountView; runId: string }) {
  const [live, setLive] = useState(true);
  const run = useLoad(
    async () => {
      const d = await api<SyncRunDetail>('GET', runPath(account.id, runId));
      setLive(d.status === 'running');
      return d;
    },
    [runId],
    live ? LIVE_POLL_MS : undefined,
  );
  return (
    <>
      <p class="breadcrumb">
        <a href={href('runs')}>Runs</a>
      </p>
      <ScreenTitle>Run</ScreenTitle>
      <Async loaded={run} what="the run">
        {(d) => (
          <>
            <section class="card" aria-labelledby="run-facts">
              <h2 id="run-facts" class="visually-hidden">
                About this run
              </h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={d.status} /> {d.outcome && <span>({d.outcome})</span>}
                </dd>
                <dt>Kind</dt>
                <dd>
                  {d.full ? 'Full' : 'Incremental'}
                  {d.trigger ? `, started by ${d.trigger}` : ''}
                </dd>
                <dt>Started</dt>
                <dd>
                  <When iso={d.startedAt} />
                </dd>
                <dt>Finished</dt>
                <dd>
                  <When iso={d.closedAt} />
                </dd>
                <dt>Run id</dt>
                <dd class="wrap">
                  <code>{d.runId}</code>
                </dd>
              </dl>
              {d.summary && <p>{d.summary}</p>}
              {d.failure && <p class="error-text">{d.failure}</p>}
              <a href={d.temporalUiUrl} target="_blank" rel="noreferrer noopener">
                Open this run in the Temporal UI
              </a>
            </section>
            {d.status === 'running' && d.progress && (
              <section class="card" aria-labelledby="progress-heading">
                <h2 id="progress-heading">Progress</h2>
                <ProgressTable progress={d.progress} />
              </section>
            )}
            {d.result && (
              <>
                <section class="card" aria-labelledby="summary-heading">
                  <h2 id="summary-heading">Summary</h2>
                  <SummaryTable summary={d.result} caption="Counts per entity type" />
                </section>
                <section class="card" aria-labelledby="failures-heading">
                  <h2 id="failures-heading">Failed records</h2>
                  <FailureList summary={d.result} />
                </section>
              </>
            )}
            <History account={account} runId={runId} />
          </>
        )}
      </Async>
    </>
  );
}

function History({ account, runId }: { account: AccountView; runId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section class="card" aria-labelledby="history-heading">
      <h2 id="history-heading">Event history</h2>
      {open ? (
        <HistoryTable account={account} runId={runId} />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Show the event history
        </button>
      )}
    </section>
  );
}

function HistoryTable({ account, runId }: { account: AccountView; runId: string }) {
  const history = useLoad(
    () => api<{ events: HistoryEventView[] }>('GET', runPath(account.id, runId, '/history')),
    [runId],
  );
  return (
    <Async loaded={history} what="the event history">
      {(h) =>
        h.events.length === 0 ? (
          <Empty>Temporal has no events for this run.</Empty>
        ) : (
          <TableWrap label="Workflow events">
            <table>
              <caption class="visually-hidden">Workflow events</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    #
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {h.events.map((e) => (
                  <tr key={e.eventId}>
                    <td class="num">{e.eventId}</td>
                    <td>
                      <When iso={e.time} />
                    </td>
                    <td>{e.type}</td>
                    <td class="wrap">
                      {[
                        e.activity,
                        e.childWorkflowType,
                        e.childWorkflowId,
                        e.signalName,
                        e.failure,
                        e.lastFailure,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )
      }
    </Async>
  );
}
