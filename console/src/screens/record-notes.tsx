/** A record's notes on its page (Acumatica's failure messages among them), and adding one. */
import { useState } from 'preact/hooks';
import { api } from '../client';
import type { RecordView } from '../types';
import { Field, When } from '../ui';

export function NotesCard({
  record,
  path,
  onAdded,
}: {
  record: RecordView;
  path: string;
  onAdded: () => void;
}) {
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
