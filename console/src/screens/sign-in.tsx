/** Sign-in with an API key, and the admin's account picker. */
import { useState } from 'preact/hooks';
import { api, ApiFailure, session } from '../client';
import type { AccountView, MeView, Page } from '../types';
import { Async, Empty, Field, ScreenTitle, useLoad } from '../ui';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // Checked before it is kept: a wrong key never reaches session storage.
      await api<MeView>('GET', '/me', { key: key.trim() });
      session.signIn(key.trim());
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.status === 401
          ? 'This key is not valid. Use the account key you were given, or the admin key.'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <ScreenTitle>Sign in to the connector console</ScreenTitle>
      <p>
        Enter your account's API key. It stays in this browser tab only and is forgotten when you close it.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="API key" error={error}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="off"
              required
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export function AccountPicker({
  onPicked,
  onSignOut,
}: {
  onPicked: (id: string) => void;
  onSignOut: () => void;
}) {
  const [after, setAfter] = useState<string | undefined>();
  const accounts = useLoad(
    () => api<Page<AccountView>>('GET', '/accounts', { query: { limit: 50, after } }),
    [after],
  );
  return (
    <main class="sign-in" id="main">
      <ScreenTitle>Choose an account</ScreenTitle>
      <p>You signed in with the admin key. Pick the account to work on.</p>
      <Async loaded={accounts} what="accounts">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              There are no accounts yet. Create one with POST /accounts (see the API docs at /docs).
            </Empty>
          ) : (
            <>
              <ul class="account-list">
                {page.items.map((a) => (
                  <li key={a.id}>
                    <button type="button" onClick={() => onPicked(a.id)}>
                      <strong>{a.name}</strong> <span class="muted">{a.id}</span>
                    </button>
                  </li>
                ))}
              </ul>
              {page.nextCursor && (
                <button type="button" onClick={() => setAfter(page.nextCursor ?? undefined)}>
                  More accounts
                </button>
              )}
            </>
          )
        }
      </Async>
      <button type="button" class="link-button" onClick={onSignOut}>
        Sign out
      </button>
    </main>
  );
}
