/**
 * The connector console: sign-in with an account key (the admin key gets an account picker), then the
 * app shell with the screens an office administrator works in day to day.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { api, session, UNAUTHORIZED_EVENT } from './client';
import { href, navigate, useRoute, type Route } from './router';
import { OverviewScreen } from './screens/overview';
import { ProblemsScreen } from './screens/problems';
import { RecordScreen } from './screens/record';
import { RecordsScreen } from './screens/records';
import { RemindersScreen } from './screens/reminders';
import { RunScreen } from './screens/run';
import { RunsScreen } from './screens/runs';
import { SettingsScreen } from './screens/settings';
import { AccountPicker, SignIn } from './screens/sign-in';
import type { AccountView, MeView } from './types';
import { Async, ScreenTitle, useLoad } from './ui';

const NAV: { screen: Route['screen']; label: string; path: string }[] = [
  { screen: 'overview', label: 'Overview', path: 'overview' },
  { screen: 'records', label: 'Records', path: 'records' },
  { screen: 'problems', label: 'Problems', path: 'problems' },
  { screen: 'runs', label: 'Runs', path: 'runs' },
  { screen: 'reminders', label: 'Reminders', path: 'reminders' },
  { screen: 'settings', label: 'Settings', path: 'settings' },
];

/** The nav entry a route belongs to (a record page belongs to Records). */
const section = (route: Route): Route['screen'] =>
  route.screen === 'record' ? 'records' : route.screen === 'run' ? 'runs' : route.screen;

function Screen({ route, account }: { route: Route; account: AccountView }) {
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen account={account} />;
    case 'records':
      return <RecordsScreen account={account} type={route.type} />;
    case 'record':
      return <RecordScreen account={account} type={route.type} id={route.id} />;
    case 'problems':
      return <ProblemsScreen account={account} />;
    case 'runs':
      return <RunsScreen account={account} />;
    case 'run':
      return <RunScreen account={account} runId={route.runId} />;
    case 'settings':
      return <SettingsScreen account={account} />;
    case 'reminders':
      return <RemindersScreen account={account} />;
    case 'not-found':
      return (
        <>
          <ScreenTitle>Page not found</ScreenTitle>
          <p>
            There is no page <code>{route.path}</code>. <a href={href('overview')}>Go to the overview</a>.
          </p>
        </>
      );
  }
}

function Shell({
  accountId,
  onSignOut,
  onSwitch,
}: {
  accountId: string;
  onSignOut: () => void;
  /** Only for the admin: back to the account picker. */
  onSwitch?: () => void;
}) {
  const route = useRoute();
  const current = section(route);
  // Read again on each screen change, so a settings change (entity types, schedule) shows everywhere.
  const account = useLoad(() => api<AccountView>('GET', `/accounts/${accountId}`), [accountId, current]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Acumatica connector</span>
        <span class="account-name">{account.data?.name ?? ''}</span>
        <span class="topbar-actions">
          {onSwitch && (
            <button type="button" class="link-button" onClick={onSwitch}>
              Switch account
            </button>
          )}
          <button type="button" class="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <nav class="nav" aria-label="Console">
        <ul>
          {NAV.map((n) => (
            <li key={n.screen}>
              <a href={href(n.path)} aria-current={current === n.screen ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content">
        <Async loaded={account} what="the account">
          {(a) => <Screen key={JSON.stringify(route)} route={route} account={a} />}
        </Async>
      </main>
    </div>
  );
}

function skipToMain(event: Event) {
  event.preventDefault();
  document.querySelector<HTMLElement>('#main h1')?.focus();
}

function App() {
  const [key, setKey] = useState(session.key());
  const [accountId, setAccountId] = useState(session.account());
  const refresh = () => {
    setKey(session.key());
    setAccountId(session.account());
  };
  const signOut = () => {
    session.signOut();
    // The next person to sign in starts at the Overview, not on the screen this one left open.
    navigate('overview');
    refresh();
  };
  useEffect(() => {
    window.addEventListener(UNAUTHORIZED_EVENT, signOut);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, signOut);
  }, []);
  const me = useLoad(() => (key ? api<MeView>('GET', '/me') : Promise.resolve(null)), [key]);

  if (!key) return <SignIn onSignedIn={refresh} />;
  return (
    <Async loaded={me} what="your session">
      {(m) => {
        if (!m) return null;
        if (m.kind === 'account') return <Shell accountId={m.account.id} onSignOut={signOut} />;
        if (!accountId)
          return (
            <AccountPicker
              onPicked={(id) => {
                session.useAccount(id);
                refresh();
              }}
              onSignOut={signOut}
            />
          );
        return (
          <Shell
            accountId={accountId}
            onSignOut={signOut}
            onSwitch={() => {
              session.useAccount(null);
              navigate('overview');
              refresh();
            }}
          />
        );
      }}
    </Async>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
