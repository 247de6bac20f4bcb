/** "Sync now" on a record's page: start it, follow it, and say what it did to the record. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../client';
import { canExport, type EntityType } from '../entities';
import type { RecordView, SyncNowStartView, SyncNowView } from '../types';
import { Notice } from '../ui';

/** How often a running "sync now" is asked how it is going. */
const SYNC_POLL_MS = 1000;

type Notice = { ok: boolean; text: string };

/** What "sync now" did to this record, in the words the record page uses. */
function outcomeText(sync: SyncNowView, id: string): Notice {
  const state = sync.state;
  if (sync.status !== 'completed' || !state) {
    return { ok: false, text: `The sync ended ${sync.status}${state?.error ? `: ${state.error}` : ''}.` };
  }
  const mine = state.records.find((r) => r.id === id);
  if (!mine) return { ok: false, text: 'The sync finished without a word about this record.' };
  const key = mine.externalId ? ` Its Acumatica key is ${mine.externalId}.` : '';
  switch (mine.status) {
    case 'pushed':
      return { ok: true, text: `Synced: sent to Acumatica and read back.${key}` };
    case 'pulled':
      return { ok: true, text: `Synced: read back from Acumatica.${key}` };
    case 'unchanged':
      return { ok: true, text: `Synced: Acumatica already had this version.${key}` };
    case 'excluded':
      return { ok: false, text: 'Not sent: the record is marked Do Not Send.' };
    case 'not-found':
      return { ok: false, text: `Not synced: ${mine.message ?? 'the record was not found'}.` };
    case 'failed':
      return { ok: false, text: `Sync failed: ${mine.message ?? 'Acumatica refused it'}` };
  }
}

/**
 * "Sync now": starts a targeted sync of this one record, says whether it started or waits behind a run,
 * follows it until it is done and shows the record's outcome.
 */
export function SyncNow({
  type,
  record,
  path,
  excluded,
  onDone,
}: {
  type: EntityType;
  record: RecordView;
  path: string;
  excluded: boolean;
  onDone: () => void;
}) {
  const [syncId, setSyncId] = useState<string | null>(null);
  // The run the sync waits behind, as the start answer named it (the live state may not know it yet).
  const [behind, setBehind] = useState<string | null>(null);
  const waiting = (run: string | null) =>
    `Waiting: a run is in progress (${run ?? 'the current run'}); this sync starts when it ends.`;
  const [progress, setProgress] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const syncPath = (id: string) => path.replace(/\/records\/.*$/, `/sync-now/${encodeURIComponent(id)}`);

  const start = async () => {
    setNotice(null);
    try {
      const started = await api<SyncNowStartView>('POST', path.replace(/\/[^/]+$/, '/sync'), {
        body: { ids: [record.id] },
      });
      setProgress(started.status === 'waiting' ? waiting(started.waitingBehind) : 'Syncing this record now…');
      setBehind(started.waitingBehind);
      setSyncId(started.syncId);
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    }
  };

  // Follow the sync until it closes; a failed poll is shown and retried on the next tick.
  useEffect(() => {
    if (!syncId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const sync = await api<SyncNowView>('GET', syncPath(syncId));
        if (!live) return;
        if (sync.status === 'running') {
          if (sync.state?.status === 'waiting') {
            setProgress(waiting(sync.state.waitingBehind ?? behind));
          } else if (sync.state) {
            setProgress(
              sync.state.status === 'pulling'
                ? 'Reading it back from Acumatica…'
                : 'Sending it to Acumatica…',
            );
          }
        } else {
          setSyncId(null);
          setProgress(null);
          setNotice(outcomeText(sync, record.id));
          onDone();
          return;
        }
      } catch (err) {
        if (!live) return;
        setProgress(`Still syncing; the last check failed: ${(err as Error).message}`);
      }
      timer = setTimeout(() => void poll(), SYNC_POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [syncId]);

  return (
    <div class="sync-now">
      <button
        type="button"
        disabled={excluded || syncId !== null}
        aria-busy={syncId !== null}
        {...(excluded ? { 'aria-describedby': 'do-not-send-why' } : {})}
        onClick={() => void start()}
      >
        {syncId ? 'Syncing…' : 'Sync now'}
      </button>
      {!canExport(type) && !syncId && <span class="muted"> reads it back from Acumatica</span>}
      {progress && (
        <p class="state state-loading" role="status" aria-live="polite">
          <span class="spinner" aria-hidden="true" /> {progress}
        </p>
      )}
      <Notice notice={notice} />
    </div>
  );
}
