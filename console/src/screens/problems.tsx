/** Problems: every failed record across types with Acumatica's message and when it failed; re-mark them. */
import { useState } from 'preact/hooks';
import { accountPath, api } from '../client';
import { ENTITIES, isEntityType, recordTitle } from '../entities';
import { href } from '../router';
import type { AccountView, FailedRecordsView, RecordView } from '../types';
import { Async, Empty, Notice, ScreenTitle, useLoad, When, TableWrap } from '../ui';

export function ProblemsScreen({ account }: { account: AccountView }) {
  const failed = useLoad(
    () =>
      api<FailedRecordsView>('GET', accountPath(account.id, '/failed-records'), { query: { limit: 200 } }),
    [account.id],
  );
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  /** Re-marks the picked records, one export call per entity type. */
  const remark = async (records: RecordView[]) => {
    setBusy(true);
    setNotice(null);
    const byType = new Map<string, string[]>();
    for (const r of records) byType.set(r.entityType, [...(byType.get(r.entityType) ?? []), r.id]);
    try {
      let marked = 0;
      for (const [type, ids] of byType) {
        const res = await api<{ marked: number }>(
          'POST',
          accountPath(account.id, `/records/${type}/export`),
          {
            body: { ids },
          },
        );
        marked += res.marked;
      }
      setNotice({ ok: true, text: `Marked ${marked} record${marked === 1 ? '' : 's'} for export again.` });
      setPicked(new Set());
      failed.reload();
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ScreenTitle>Problems</ScreenTitle>
      <p>
        Records whose last export failed. Open one to read Acumatica's message and fix it, then mark it for
        export again.
      </p>
      <Notice notice={notice} />
      <Async loaded={failed} what="failed records">
        {(f) =>
          f.items.length === 0 ? (
            <Empty>No record says “Sync Failed”. Nothing to fix.</Empty>
          ) : (
            <>
              <p role="status">
                {f.total} failed record{f.total === 1 ? '' : 's'}
                {f.total > f.items.length ? `, the ${f.items.length} newest shown` : ''}.
              </p>
              <div class="bulk-bar">
                <button
                  type="button"
                  class="primary"
                  disabled={busy || picked.size === 0}
                  onClick={() => void remark(f.items.filter((r) => picked.has(r.id)))}
                >
                  Export selected to Acumatica
                </button>
              </div>
              <TableWrap label="Failed records">
                <table>
                  <caption class="visually-hidden">Failed records</caption>
                  <thead>
                    <tr>
                      <th scope="col" class="check">
                        <input
                          type="checkbox"
                          aria-label="Select every failed record"
                          checked={f.items.every((r) => picked.has(r.id))}
                          onChange={() =>
                            setPicked(
                              f.items.every((r) => picked.has(r.id))
                                ? new Set()
                                : new Set(f.items.map((r) => r.id)),
                            )
                          }
                        />
                      </th>
                      <th scope="col">Record</th>
                      <th scope="col">Message</th>
                      <th scope="col">Failed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {f.items.map((r) => (
                      <tr key={r.id}>
                        <td class="check">
                          <input
                            type="checkbox"
                            aria-label={`Select ${recordTitle(r)}`}
                            checked={picked.has(r.id)}
                            onChange={() => toggle(r.id)}
                          />
                        </td>
                        <td>
                          <span class="muted">
                            {isEntityType(r.entityType) ? ENTITIES[r.entityType].label : r.entityType}
                          </span>{' '}
                          <a href={href('records', r.entityType, r.id)}>{recordTitle(r)}</a>
                        </td>
                        <td class="error-text wrap">{r.sync.lastError?.message ?? '—'}</td>
                        <td>
                          <When iso={r.sync.lastError?.at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </>
          )
        }
      </Async>
    </>
  );
}
