/**
 * A record's page: its fields (editable where the type is pushed), sync state, Acumatica key, notes with
 * Acumatica's failure messages, and "Export to Acumatica" to mark it (again) for the next run.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { accountPath, api, ApiFailure } from '../client';
import { canExport, ENTITIES, isEntityType, recordTitle, typeLabel, type EntityType } from '../entities';
import { href } from '../router';
import type { AccountView, RecordView } from '../types';
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
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
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
        {/* Record actions: "Export to Acumatica" here; "Sync now" joins it when the API offers it. */}
        <div class="actions" data-actions="record">
          {exportable ? (
            <button
              type="button"
              class="primary"
              onClick={() =>
                void act(
                  () => api('POST', `${path}/export`),
                  'Marked for export: it shows "Pending" until the next run.',
                )
              }
            >
              Export to Acumatica
            </button>
          ) : (
            <p class="info">{typeLabel(type)} come from Acumatica and are read-only here.</p>
          )}
        </div>
      </section>
      <FieldsCard record={record} path={path} editable={exportable} onSaved={reload} />
      <NotesCard record={record} path={path} onAdded={reload} />
    </>
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
