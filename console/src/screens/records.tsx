/**
 * Records: one tab per entity type, the External ID column, filters (sync state, text, updated since),
 * keyset paging, and "Export to Acumatica" for one, many or all matching records.
 */
import { useState } from 'preact/hooks';
import { accountPath, api } from '../client';
import { canExport, ENTITY_TYPES, isEntityType, recordTitle, typeLabel, type EntityType } from '../entities';
import { href } from '../router';
import type { AccountView, Page, RecordView } from '../types';
import { Async, Empty, ExternalId, Field, Notice, ScreenTitle, useLoad, When, Pager, TableWrap } from '../ui';

interface Filter {
  syncState: string;
  q: string;
  updatedSince: string;
}

const EMPTY_FILTER: Filter = { syncState: '', q: '', updatedSince: '' };

/** The filter as the API takes it (the datetime-local value is read as local time). */
function apiFilter(f: Filter): Record<string, string> {
  return {
    ...(f.syncState ? { syncState: f.syncState } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(f.updatedSince ? { updatedSince: new Date(f.updatedSince).toISOString() } : {}),
  };
}

export function RecordsScreen({ account, type }: { account: AccountView; type: string | null }) {
  const types = ENTITY_TYPES.filter((t) => account.settings.entityTypes.includes(t));
  const selected: EntityType | undefined = type && isEntityType(type) ? type : types[0];
  return (
    <>
      <ScreenTitle>Records</ScreenTitle>
      <div class="tabs" role="navigation" aria-label="Entity types">
        {types.map((t) => (
          <a key={t} href={href('records', t)} class="tab" aria-current={t === selected ? 'page' : undefined}>
            {typeLabel(t)}
          </a>
        ))}
      </div>
      {selected ? (
        <RecordTable key={selected} account={account} type={selected} />
      ) : (
        <Empty>This account syncs no entity types. Choose some in Settings.</Empty>
      )}
    </>
  );
}

function RecordTable({ account, type }: { account: AccountView; type: EntityType }) {
  const exportable = canExport(type);
  const [draft, setDraft] = useState<Filter>(EMPTY_FILTER);
  const [filter, setFilter] = useState<Filter>(EMPTY_FILTER);
  // Cursors of the pages before this one, for "Previous".
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const page = useLoad(
    () =>
      api<Page<RecordView>>('GET', accountPath(account.id, `/records/${type}`), {
        query: { ...apiFilter(filter), limit: 25, after },
      }),
    [type, filter, after],
  );

  const applyFilter = (event: Event) => {
    event.preventDefault();
    setFilter(draft);
    setCursors([undefined]);
    setPicked(new Set());
    setAllMatching(false);
  };
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
    setAllMatching(false);
  };
  const exportSelected = async () => {
    setBusy(true);
    setNotice(null);
    const f = apiFilter(filter);
    const body = allMatching
      ? Object.keys(f).length > 0
        ? { filter: f }
        : { all: true as const }
      : { ids: [...picked] };
    try {
      const res = await api<{ marked: number }>('POST', accountPath(account.id, `/records/${type}/export`), {
        body,
      });
      setNotice({
        ok: true,
        text: `Marked ${res.marked} record${res.marked === 1 ? '' : 's'} for export: they show "Pending" until the next run.`,
      });
      setPicked(new Set());
      setAllMatching(false);
      page.reload();
    } catch (err) {
      setNotice({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const items = page.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((r) => picked.has(r.id));
  const count = allMatching ? 'all matching' : String(picked.size);

  return (
    <section aria-label={typeLabel(type)}>
      {!exportable && (
        <p class="info">
          {typeLabel(type)} come from Acumatica: they are read-only here and cannot be exported.
        </p>
      )}
      <form class="filters" onSubmit={applyFilter} aria-label="Filter records">
        <Field label="Sync state">
          {(props) => (
            <select
              {...props}
              value={draft.syncState}
              onChange={(e) => setDraft({ ...draft, syncState: e.currentTarget.value })}
            >
              <option value="">Any</option>
              <option value="none">Not marked</option>
              <option value="pending">Pending</option>
              <option value="synced">Synced</option>
              <option value="failed">Sync Failed</option>
            </select>
          )}
        </Field>
        <Field label="Search">
          {(props) => (
            <input
              {...props}
              type="search"
              value={draft.q}
              placeholder="Name, number, reference…"
              onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="Updated since">
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              value={draft.updatedSince}
              onInput={(e) => setDraft({ ...draft, updatedSince: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="submit">Apply filters</button>
      </form>

      {exportable && (
        <div class="bulk-bar" aria-label="Selection">
          <span role="status">
            {allMatching || picked.size > 0 ? `${count} selected` : 'Nothing selected'}
          </span>
          {page.data?.nextCursor || cursors.length > 1 ? (
            <button type="button" class="link-button" onClick={() => setAllMatching(true)}>
              Select all matching
            </button>
          ) : null}
          <button
            type="button"
            class="primary"
            disabled={busy || (!allMatching && picked.size === 0)}
            onClick={() => void exportSelected()}
          >
            Export to Acumatica
          </button>
        </div>
      )}
      <Notice notice={notice} />

      <Async loaded={page} what={typeLabel(type).toLowerCase()}>
        {(p) =>
          p.items.length === 0 ? (
            <Empty>No {typeLabel(type).toLowerCase()} match these filters.</Empty>
          ) : (
            <TableWrap label={typeLabel(type)}>
              <table>
                <caption class="visually-hidden">{typeLabel(type)}</caption>
                <thead>
                  <tr>
                    {exportable && (
                      <th scope="col" class="check">
                        <input
                          type="checkbox"
                          aria-label="Select every record on this page"
                          checked={allMatching || allOnPage}
                          onChange={() => {
                            setAllMatching(false);
                            setPicked(allOnPage ? new Set() : new Set(p.items.map((r) => r.id)));
                          }}
                        />
                      </th>
                    )}
                    <th scope="col">Record</th>
                    <th scope="col">External ID</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((r) => (
                    <tr key={r.id}>
                      {exportable && (
                        <td class="check">
                          <input
                            type="checkbox"
                            aria-label={`Select ${recordTitle(r)}`}
                            checked={allMatching || picked.has(r.id)}
                            onChange={() => toggle(r.id)}
                          />
                        </td>
                      )}
                      <td>
                        <a href={href('records', type, r.id)}>{recordTitle(r)}</a>
                      </td>
                      <td>
                        <ExternalId value={r.externalId} />
                      </td>
                      <td>
                        <When iso={r.updatedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Async>
      <Pager
        back={{
          label: 'Previous page',
          disabled: cursors.length <= 1,
          go: () => setCursors(cursors.slice(0, -1)),
        }}
        forward={{
          label: 'Next page',
          disabled: !page.data?.nextCursor,
          go: () => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor]),
        }}
      />
    </section>
  );
}
