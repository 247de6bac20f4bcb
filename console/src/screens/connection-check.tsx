/** "Validate": the worker signs in to Acumatica and the checklist it returns is shown (Overview, Settings). */
import { useState } from 'preact/hooks';
import { accountPath, api } from '../client';
import type { AccountView, ConnectionChecklist } from '../types';
import { Notice } from '../ui';

export function ConnectionCheck({
  account,
  label = 'Validate',
  compact = false,
}: {
  account: AccountView;
  label?: string;
  /** List only the checks that failed (the Overview's small card). */
  compact?: boolean;
}) {
  const [checks, setChecks] = useState<ConnectionChecklist | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const validate = async () => {
    setBusy(true);
    setChecks(null);
    setFailure(null);
    try {
      setChecks(await api<ConnectionChecklist>('POST', accountPath(account.id, '/connection/validate')));
    } catch (err) {
      setFailure(`Could not validate: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="connection-check">
      <button type="button" disabled={busy || !account.connection} onClick={() => void validate()}>
        {busy ? 'Validating…' : label}
      </button>
      <Notice notice={failure ? { ok: false, text: failure } : null} />
      {checks && (
        <div role="status" class="checklist">
          <p>
            <strong>{checks.ok ? 'The connection works.' : 'The connection has problems.'}</strong>
          </p>
          <ul>
            {checks.checks
              .filter((c) => !compact || !c.ok)
              .map((c) => (
                <li key={c.name} class={c.ok ? 'check-ok' : 'check-bad'}>
                  <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{c.name}</strong>
                  <span class="visually-hidden">{c.ok ? ' passed' : ' failed'}</span>: {c.detail}
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  );
}
