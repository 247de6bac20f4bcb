/** Reminders: the run summaries the sync leaves, unread first, each one marked read when handled. */
import { useState } from 'preact/hooks';
import { accountPath, api } from '../client';
import type { AccountView, NotificationPage, NotificationView, RunSummary } from '../types';
import { Async, Empty, Notice, ScreenTitle, useLoad, When } from '../ui';
import { FailureList, SummaryTable } from './runs-shared';

export function RemindersScreen({ account }: { account: AccountView }) {
  const unread = useLoad(
    () =>
      api<NotificationPage>('GET', accountPath(account.id, '/notifications'), {
        query: { unread: true, limit: 50 },
      }),
    [account.id],
  );
  const recent = useLoad(
    () => api<NotificationPage>('GET', accountPath(account.id, '/notifications'), { query: { limit: 20 } }),
    [account.id],
  );
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const markRead = async (n: NotificationView) => {
    try {
      await api('POST', accountPath(account.id, `/notifications/${n.id}/read`));
      unread.reload();
      recent.reload();
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <>
      <ScreenTitle>Reminders</ScreenTitle>
      <Notice notice={notice} />
      <section aria-labelledby="unread-heading">
        <h2 id="unread-heading">Unread</h2>
        <Async loaded={unread} what="unread reminders">
          {(page) =>
            page.items.length === 0 ? (
              <Empty>No unread reminders.</Empty>
            ) : (
              page.items.map((n) => <Reminder key={n.id} n={n} onRead={() => void markRead(n)} />)
            )
          }
        </Async>
      </section>
      <section aria-labelledby="read-heading">
        <h2 id="read-heading">Read</h2>
        <Async loaded={recent} what="reminders">
          {(page) => {
            const read = page.items.filter((n) => n.read);
            return read.length === 0 ? (
              <Empty>No read reminders yet.</Empty>
            ) : (
              read.map((n) => <Reminder key={n.id} n={n} />)
            );
          }}
        </Async>
      </section>
    </>
  );
}

function Reminder({ n, onRead }: { n: NotificationView; onRead?: () => void }) {
  // A reminder's summary is the run summary the workflow wrote (core/runs.ts RunSummary).
  const summary = n.summary as unknown as RunSummary;
  return (
    <article class={n.read ? 'card reminder' : 'card reminder reminder-unread'} aria-label={n.title}>
      <header class="reminder-head">
        <h3>{n.title}</h3>
        <When iso={n.createdAt} />
      </header>
      {summary.entities && <SummaryTable summary={summary} caption="Counts per entity type" />}
      {summary.failures && <FailureList summary={summary} />}
      {onRead && (
        <button type="button" onClick={onRead}>
          Mark read
        </button>
      )}
    </article>
  );
}
