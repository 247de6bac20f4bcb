/**
 * A record's page: its fields (editable where the type is pushed), sync state, Acumatica key, notes with
 * Acumatica's failure messages, "Export to Acumatica" to mark it (again) for the next run, "Sync now" to
 * send it (or read it back) without waiting for the run, and "Do Not Send" to keep it out of every push.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { SYNC_NOW_TYPES } from '../../../core/targeted-sync';
import { accountPath, api, ApiFailure } from '../client';
import { canExport, ENTITIES, isEntityType, recordTitle, typeLabel, type EntityType } from '../entities';
import { href } from '../router';
import type { AccountView, RecordView, SyncNowStartView, SyncNowView } from '../types';
import { Async, ExternalId, Field, Notice, ScreenTitle, useLoad, When } from '../ui';

/** Fields every record view has; the rest are the type's business fields. */
const BASE_FIELDS = new Set([
  'id',
  'entityType',
  'externalRef',
  'externalId',
  'syncState',
  'sync',
  'notes',
  'createdAt',
  'updatedAt',
  'rev',
]);

export function RecordScreen({ account, type, id }: { account: AccountView; type: string; id: string }) {
  if (!isEntityType(type)) {
    return (
      <>
        <ScreenTitle>Unknown record type</ScreenTitle>
        <p>
          There is no record type <code>{type}</code>. <a href={href('records')}>Back to records</a>.
        </p>
      </>
    );
  }
  return <RecordPage account={account} type={type} id={id} />;
}

function RecordPage({ account, type, id }: { account: AccountView; type: EntityType; id: string }) {
  const path = accountPath(account.id, `/records/${type}/${encodeURIComponent(id)}`);
  const record = useLoad(() => api<RecordView>('GET', path), [path]);
  return (
    <Async loaded={record} what="the record">
      {(r) => <RecordDetail type={type} record={r} path={path} reload={record.reload} />}
    </Async>
  );
}

function RecordDetail({
  type,
  record,
  path,
  reload,
}: {
  type: EntityType;
  record: RecordView;
  path: string;
  reload: () => void;
}) {
  const exportable = canExport(type);
  const syncable = SYNC_NOW_TYPES.includes(type);
  const excluded = record.sync.doNotSend !== undefined;
  const [notice, setNotice] = useState<Notice | null>(null);
  const act = async (work: () => Promise<unknown>, done: string) => {
    setNotice(null);
    try {
      await work();
      setNotice({ ok: true, text: done });
      reload();
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <>
      <p class="breadcrumb">
        <a href={href('records', type)}>{typeLabel(type)}</a>
      </p>
      <ScreenTitle>
        {ENTITIES[type].label}: {recordTitle(record)}
      </ScreenTitle>
      <Notice notice={notice} />
      <section class="card" aria-labelledby="sync-heading">
        <h2 id="sync-heading">Sync</h2>
        <dl class="facts">
          <dt>External ID</dt>
          <dd>
            <ExternalId value={record.externalId} />
          </dd>
          <dt>Acumatica key</dt>
          <dd>{record.sync.externalId ?? '—'}</dd>
          <dt>Last synced</dt>
          <dd>
            <When iso={record.sync.lastSyncedAt} />
          </dd>
          <dt>Our reference</dt>
          <dd>
            <code>{record.externalRef}</code>
          </dd>
          {record.sync.lastError && (
            <>
              <dt>Last error</dt>
              <dd class="error-text">
                {record.sync.lastError.message} (<When iso={record.sync.lastError.at} />)
              </dd>
            </>
          )}
        </dl>
        {/* Record actions: all of them live here. */}
        <div class="actions" data-actions="record">
          {exportable && (
            <button
              type="button"
              class="primary"
              disabled={excluded}
              {...(excluded ? { 'aria-describedby': 'do-not-send-why' } : {})}
              onClick={() =>
                void act(
                  () => api('POST', `${path}/export`),
                  'Marked for export: it shows "Pending" until the next run.',
                )
              }
            >
              Export to Acumatica
            </button>
          )}
          {syncable && (
            <SyncNow type={type} record={record} path={path} excluded={excluded} onDone={reload} />
          )}
          {!exportable && <p class="info">{typeLabel(type)} come from Acumatica and are read-only here.</p>}
        </div>
        {excluded && (
          <p class="info" id="do-not-send-why">
            Marked Do Not Send: clear it below to export or sync this record.
          </p>
        )}
        {exportable && <DoNotSend record={record} path={path} onChanged={reload} />}
      </section>
      <FieldsCard record={record} path={path} editable={exportable} onSaved={reload} />
      <NotesCard record={record} path={path} onAdded={reload} />
    </>
  );
}

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
function SyncNow({
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

/** "Do Not Send": keeps the record out of every push (pulls still update it) until cleared. */
function DoNotSend({ record, path, onChanged }: { record: RecordView; path: string; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const excluded = record.sync.doNotSend;
  const change = async (event: Event, method: 'PUT' | 'DELETE') => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(
        method,
        `${path}/do-not-send`,
        method === 'PUT' && reason.trim() ? { body: { reason: reason.trim() } } : {},
      );
      setReason('');
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  if (excluded) {
    return (
      <form class="do-not-send" onSubmit={(e) => void change(e, 'DELETE')}>
        <p>
          <strong>Do Not Send</strong> since <When iso={excluded.at} />
          {excluded.reason ? `: ${excluded.reason}` : ''}. Runs and "Sync now" leave it out; pulls still
          update it.
        </p>
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Clear Do Not Send
        </button>
      </form>
    );
  }
  return (
    <form class="do-not-send" onSubmit={(e) => void change(e, 'PUT')}>
      <Field label="Reason for Do Not Send (optional)" error={error}>
        {(props) => (
          <input
            {...props}
            maxLength={500}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        Set Do Not Send
      </button>
    </form>
  );
}

type Draft = Record<string, string>;

/** A field's value as text in the form: scalars as they are, objects and lists as JSON. */
const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : JSON.stringify(value, null, 2);

const isStructured = (value: unknown): boolean => value !== null && typeof value === 'object';

function FieldsCard({
  record,
  path,
  editable,
  onSaved,
}: {
  record: RecordView;
  path: string;
  editable: boolean;
  onSaved: () => void;
}) {
  const fields = Object.keys(record).filter((k) => !BASE_FIELDS.has(k));
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const start = () => {
    setDraft(Object.fromEntries(fields.map((f) => [f, asText(record[f])])));
    setErrors({});
    setEditing(true);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    const bad: Record<string, string> = {};
    for (const f of fields) {
      const before = record[f];
      const text = draft[f] ?? '';
      if (text === asText(before)) continue;
      if (isStructured(before)) {
        try {
          patch[f] = JSON.parse(text) as unknown;
        } catch {
          bad[f] = 'is not valid JSON';
        }
      } else if (typeof before === 'number') {
        patch[f] = text.trim() === '' ? null : Number(text);
      } else if (typeof before === 'boolean') {
        patch[f] = text === 'true';
      } else {
        patch[f] = text === '' ? null : text;
      }
    }
    setErrors(bad);
    if (Object.keys(bad).length > 0) return;
    if (Object.keys(patch).length === 0) {
      setEditing(false);
      return;
    }
    try {
      await api('PATCH', path, { body: patch });
      setEditing(false);
      setNotice({ ok: true, text: 'Saved. Export it to Acumatica to send the change on the next run.' });
      onSaved();
    } catch (err) {
      if (err instanceof ApiFailure && err.issues.length > 0) {
        const byField: Record<string, string> = {};
        for (const issue of err.issues) {
          const top = issue.field.split('.')[0] ?? issue.field;
          byField[top] = byField[top] ? `${byField[top]}; ${issue.message}` : issue.message;
        }
        setErrors(byField);
      }
      setNotice({ ok: false, text: (err as Error).message });
    }
  };

  return (
    <section class="card" aria-labelledby="fields-heading">
      <h2 id="fields-heading">Fields</h2>
      <Notice notice={notice} />
      {editing ? (
        <form onSubmit={(e) => void save(e)} class="record-form">
          {fields.map((f) => (
            <Field key={f} label={f} error={errors[f]} {...(isStructured(record[f]) ? { hint: 'JSON' } : {})}>
              {(props) =>
                isStructured(record[f]) ? (
                  <textarea
                    {...props}
                    rows={Math.min(12, (draft[f] ?? '').split('\n').length + 1)}
                    value={draft[f] ?? ''}
                    onInput={(e) => setDraft({ ...draft, [f]: e.currentTarget.value })}
                  />
                ) : (
                  <input
                    {...props}
                    value={draft[f] ?? ''}
                    onInput={(e) => setDraft({ ...draft, [f]: e.currentTarget.value })}
                  />
                )
              }
            </Field>
          ))}
          <div class="actions">
            <button type="submit" class="primary">
              Save changes
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl class="facts">
            {fields.map((f) => (
              <FieldValue key={f} name={f}>
                {isStructured(record[f]) ? <pre>{asText(record[f])}</pre> : asText(record[f]) || '—'}
              </FieldValue>
            ))}
          </dl>
          {editable && (
            <button type="button" onClick={start}>
              Edit fields
            </button>
          )}
        </>
      )}
    </section>
  );
}

function FieldValue({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function NotesCard({ record, path, onAdded }: { record: RecordView; path: string; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const add = async (event: Event) => {
    event.preventDefault();
    try {
      await api('POST', `${path}/notes`, { body: { text } });
      setText('');
      setError(undefined);
      onAdded();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const notes = [...record.notes].reverse();
  return (
    <section class="card" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {notes.length === 0 ? (
        <p class="state state-empty">No notes yet.</p>
      ) : (
        <ol class="notes">
          {notes.map((n, i) => (
            <li key={i} class={n.author === 'sync' ? 'note note-sync' : 'note'}>
              <p>{n.text}</p>
              <p class="muted">
                {n.author === 'sync' ? 'Sync' : 'You'} · <When iso={n.at} />
              </p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={(e) => void add(e)}>
        <Field label="Add a note" error={error}>
          {(props) => (
            <textarea {...props} rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" disabled={!text.trim()}>
          Add note
        </button>
      </form>
    </section>
  );
}
