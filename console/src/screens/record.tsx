/**
 * A record's page: its fields (editable where the type is pushed), sync state, Acumatica key, notes with
 * Acumatica's failure messages, "Export to Acumatica" to mark it (again) for the next run, "Sync now" to
 * send it (or read it back) without waiting for the run, and "Do Not Send" to keep it out of every push.
 */
import { useState } from 'preact/hooks';
import { SYNC_NOW_TYPES } from '../../../core/targeted-sync';
import { accountPath, api } from '../client';
import { canExport, ENTITIES, isEntityType, recordTitle, typeLabel, type EntityType } from '../entities';
import { href } from '../router';
import type { AccountView, RecordView } from '../types';
import { Async, ExternalId, Notice, ScreenTitle, useLoad, When } from '../ui';
import { DoNotSend } from './record-do-not-send';
import { FieldsCard } from './record-fields';
import { NotesCard } from './record-notes';
import { SyncNow } from './record-sync-now';

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
