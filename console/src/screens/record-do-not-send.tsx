/** "Do Not Send" on a record's page: keep the record out of every push, or let it go out again. */
import { useState } from 'preact/hooks';
import { api } from '../client';
import type { RecordView } from '../types';
import { Field, When } from '../ui';

/** "Do Not Send": keeps the record out of every push (pulls still update it) until cleared. */
export function DoNotSend({
  record,
  path,
  onChanged,
}: {
  record: RecordView;
  path: string;
  onChanged: () => void;
}) {
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
