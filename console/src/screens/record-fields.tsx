/** A record's fields on its page: shown, and edited where the type is pushed. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../client';
import type { RecordView } from '../types';
import { Field, Notice } from '../ui';

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

type Draft = Record<string, string>;

/** A field's value as text in the form: scalars as they are, objects and lists as JSON. */
const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : JSON.stringify(value, null, 2);

const isStructured = (value: unknown): boolean => value !== null && typeof value === 'object';

export function FieldsCard({
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
