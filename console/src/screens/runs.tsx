/** Runs: the sync log from Temporal, and starting an incremental or full run. */
import { useState } from 'preact/hooks';
import { accountPath, api } from '../client';
import { href, navigate } from '../router';
import type { AccountView, StartRunView, SyncRunView } from '../types';
import { Async, Empty, Notice, ScreenTitle, StatusBadge, useLoad, When, Pager, TableWrap } from '../ui';

const POLL_MS = 5_000;
const PAGE_SIZE = 20;

/** "Run incremental sync" and "Run full sync"; a run already in progress is opened instead of a second one. */
export function StartRunButtons({ account, onStarted }: { account: AccountView; onStarted?: () => void }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const start = async (full: boolean) => {
    setBusy(true);
    setNotice(null);
    try {
      const res = await api<StartRunView>('POST', accountPath(account.id, '/syncs'), { body: { full } });
      onStarted?.();
      navigate('runs', res.runId);
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void start(false)}>
          Run incremental sync
        </button>
        <button type="button" disabled={busy} onClick={() => void start(true)}>
          Run full sync
        </button>
      </div>
      <Notice notice={notice} />
    </>
  );
}

export function RunsScreen({ account }: { account: AccountView }) {
  const [until, setUntil] = useState<string[]>([]);
  const runs = useLoad(
    () =>
      api<{ items: SyncRunView[] }>('GET', accountPath(account.id, '/syncs'), {
        query: { limit: PAGE_SIZE, until: until[until.length - 1] },
      }),
    [account.id, until],
    POLL_MS,
  );
  const last = runs.data?.items[runs.data.items.length - 1];
  return (
    <>
      <ScreenTitle>Runs</ScreenTitle>
      <StartRunButtons account={account} onStarted={runs.reload} />
      <Async loaded={runs} what="the sync log">
        {(r) =>
          r.items.length === 0 ? (
            <Empty>No run yet. Start one above, or wait for the schedule.</Empty>
          ) : (
            <TableWrap label="Sync log">
              <table>
                <caption>Sync log, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Started</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col">Summary</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((run) => (
                    <tr key={run.runId}>
                      <td>
                        <a href={href('runs', run.runId)}>
                          <When iso={run.startedAt} />
                        </a>
                      </td>
                      <td>
                        {run.full ? 'Full' : 'Incremental'}
                        {run.trigger ? `, ${run.trigger}` : ''}
                      </td>
                      <td>
                        <StatusBadge status={run.status} />
                      </td>
                      <td>{run.summary ?? (run.status === 'running' ? 'In progress' : '—')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Async>
      <Pager
        back={{ label: 'Newer runs', disabled: until.length === 0, go: () => setUntil(until.slice(0, -1)) }}
        forward={{
          label: 'Older runs',
          disabled: !last || (runs.data?.items.length ?? 0) < PAGE_SIZE,
          go: () => last && setUntil([...until, last.startedAt]),
        }}
      />
    </>
  );
}
