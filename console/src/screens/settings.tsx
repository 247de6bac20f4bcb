/**
 * Settings: the manual's sections (Execution, Customer, Invoice) and the Acumatica connection with
 * write-only secrets and "Validate". The API's validation errors appear next to their fields.
 */
import { useState } from 'preact/hooks';
import { accountPath, api, ApiFailure } from '../client';
import { DEFAULT_REST_VERSION, ENTITY_TYPES, SUPPORTED_REST_VERSIONS, typeLabel } from '../entities';
import type { AccountSettings, AccountView, ConnectionPatch, SettingsPatch } from '../types';
import { Field, Notice, ScreenTitle } from '../ui';
import { ConnectionCheck } from './connection-check';

type NoticeState = { ok: boolean; text: string } | null;

export function SettingsScreen({ account }: { account: AccountView }) {
  return (
    <>
      <ScreenTitle>Settings</ScreenTitle>
      <SyncSettingsForm account={account} />
      <ConnectionForm account={account} />
    </>
  );
}

/** Only the fields that differ from what is saved (so a PATCH changes nothing else). */
function changed<T extends object>(saved: T, draft: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(draft).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(saved[k as keyof T])),
  ) as Partial<T>;
}

function SyncSettingsForm({ account }: { account: AccountView }) {
  const [saved, setSaved] = useState<AccountSettings>(account.settings);
  // Numbers are kept as typed, so a rejected value stays on screen beside its message.
  const [draft, setDraft] = useState({
    ...account.settings,
    executionDelayMinutes: String(account.settings.executionDelayMinutes),
    lastModifiedSinceDays: String(account.settings.lastModifiedSinceDays),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<NoticeState>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  const checkbox = (name: keyof AccountSettings, label: string, hint?: string) => (
    <div class="check-field">
      <input
        id={`setting-${name}`}
        type="checkbox"
        checked={draft[name] === true}
        onChange={(e) => set({ [name]: e.currentTarget.checked })}
        {...(hint ? { 'aria-describedby': `setting-${name}-hint` } : {})}
      />
      <label for={`setting-${name}`}>{label}</label>
      {hint && (
        <p class="hint" id={`setting-${name}-hint`}>
          {hint}
        </p>
      )}
      {errors[name] && <p class="field-error">{errors[name]}</p>}
    </div>
  );

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    const asNumber = (v: string) => (v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v));
    const candidate = {
      ...draft,
      executionDelayMinutes: asNumber(draft.executionDelayMinutes),
      lastModifiedSinceDays: asNumber(draft.lastModifiedSinceDays),
    } as AccountSettings;
    const patch: SettingsPatch = changed(saved, candidate);
    try {
      const after = await api<AccountSettings>('PATCH', accountPath(account.id, '/settings'), {
        body: patch,
      });
      setSaved(after);
      setErrors({});
      setNotice({ ok: true, text: 'Settings saved.' });
    } catch (err) {
      setErrors(err instanceof ApiFailure ? err.fieldErrors() : {});
      setNotice({ ok: false, text: `Not saved: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void save(e)} aria-labelledby="sync-settings-heading" noValidate>
      <h2 id="sync-settings-heading">Sync settings</h2>
      <fieldset>
        <legend>Execution</legend>
        <Field
          label="Execution delay (minutes)"
          hint="Minutes between scheduled runs; at least 15."
          error={errors.executionDelayMinutes}
        >
          {(props) => (
            <input
              {...props}
              inputMode="numeric"
              value={draft.executionDelayMinutes}
              onInput={(e) => set({ executionDelayMinutes: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field
          label="Last modified since (days)"
          hint="Each run reads what Acumatica changed in this many days."
          error={errors.lastModifiedSinceDays}
        >
          {(props) => (
            <input
              {...props}
              inputMode="numeric"
              value={draft.lastModifiedSinceDays}
              onInput={(e) => set({ lastModifiedSinceDays: e.currentTarget.value })}
            />
          )}
        </Field>
        {checkbox(
          'fullSyncOnNextRun',
          'Run a full sync on the next run',
          'Cleared after the full run completes.',
        )}
        {checkbox('paused', 'Pause scheduled runs')}
        <fieldset class="inner">
          <legend>Entity types to sync</legend>
          <div class="check-grid">
            {ENTITY_TYPES.map((t) => (
              <div class="check-field" key={t}>
                <input
                  id={`entity-${t}`}
                  type="checkbox"
                  checked={draft.entityTypes.includes(t)}
                  onChange={(e) =>
                    set({
                      entityTypes: e.currentTarget.checked
                        ? [...draft.entityTypes, t]
                        : draft.entityTypes.filter((x) => x !== t),
                    })
                  }
                />
                <label for={`entity-${t}`}>{typeLabel(t)}</label>
              </div>
            ))}
          </div>
          {errors.entityTypes && <p class="field-error">{errors.entityTypes}</p>}
        </fieldset>
      </fieldset>
      <fieldset>
        <legend>Customer</legend>
        {checkbox('includeSubCustomers', 'Include sub-customers')}
        {checkbox('skipFirstAddressLine', "Skip Acumatica's first address line")}
        {checkbox('useShipToAddress', 'Use the ShipTo address instead of BillTo')}
        <Field label="New customers from Acumatica are" error={errors.newCustomerType}>
          {(props) => (
            <select
              {...props}
              value={draft.newCustomerType}
              onChange={(e) =>
                set({ newCustomerType: e.currentTarget.value as AccountSettings['newCustomerType'] })
              }
            >
              <option value="BUSINESS">Business</option>
              <option value="RESIDENTIAL">Residential</option>
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset>
        <legend>Invoice</legend>
        {checkbox(
          'useIntegrationDateForInvoices',
          'Use the integration date as the invoice date',
          "Send the run's date instead of the field-service invoice date.",
        )}
      </fieldset>
      <Notice notice={notice} />
      <button type="submit" class="primary" disabled={busy}>
        Save settings
      </button>
    </form>
  );
}

/** The connection fields a change of which needs the secrets again (they are bound to the destination). */
const DESTINATION_FIELDS = ['url', 'tenant', 'clientId'] as const;

function ConnectionForm({ account }: { account: AccountView }) {
  const saved = account.connection;
  const initial = {
    url: saved?.url ?? '',
    tenant: saved?.tenant ?? '',
    clientId: saved?.clientId ?? '',
    restUsername: saved?.restUsername ?? '',
    restVersion: saved?.restVersion ?? DEFAULT_REST_VERSION,
  };
  const [base, setBase] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [secrets, setSecrets] = useState({ restPassword: '', clientSecret: '' });
  const [has, setHas] = useState({
    restPassword: saved?.hasRestPassword ?? false,
    clientSecret: saved?.hasClientSecret ?? false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<NoticeState>(null);
  const [busy, setBusy] = useState(false);
  const destinationChanged = DESTINATION_FIELDS.some((f) => draft[f] !== base[f]);

  const save = async (event: Event) => {
    event.preventDefault();
    setNotice(null);
    if (destinationChanged && (!secrets.restPassword || (has.clientSecret && !secrets.clientSecret))) {
      setErrors({
        ...(secrets.restPassword
          ? {}
          : { restPassword: 'enter the password again: the destination changed' }),
        ...(has.clientSecret && !secrets.clientSecret
          ? { clientSecret: 'enter the client secret again: the destination changed' }
          : {}),
      });
      return;
    }
    const fields = changed(base, draft);
    const patch: ConnectionPatch = {
      ...fields,
      ...(fields.clientId === '' ? { clientId: null } : {}),
      ...(secrets.restPassword ? { restPassword: secrets.restPassword } : {}),
      ...(secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {}),
    };
    if (Object.keys(patch).length === 0) {
      setNotice({ ok: true, text: 'Nothing changed.' });
      return;
    }
    setBusy(true);
    try {
      const after = await api<AccountView>('PATCH', accountPath(account.id), { body: { connection: patch } });
      setBase(draft);
      setSecrets({ restPassword: '', clientSecret: '' });
      setHas({
        restPassword: after.connection?.hasRestPassword ?? false,
        clientSecret: after.connection?.hasClientSecret ?? false,
      });
      setErrors({});
      setNotice({ ok: true, text: 'Connection saved. Validate it to check that the worker can sign in.' });
    } catch (err) {
      setErrors(err instanceof ApiFailure ? err.fieldErrors('connection.') : {});
      setNotice({ ok: false, text: `Not saved: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const text = (name: keyof typeof draft, label: string, hint?: string) => (
    <Field label={label} error={errors[name]} {...(hint ? { hint } : {})}>
      {(props) => (
        <input
          {...props}
          value={draft[name]}
          autoComplete="off"
          onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
        />
      )}
    </Field>
  );
  const secret = (name: keyof typeof secrets, label: string) => (
    <Field
      label={label}
      error={errors[name]}
      hint={
        destinationChanged
          ? 'Required again: the URL, tenant or client ID changed.'
          : has[name]
            ? 'Set. Leave empty to keep it; it is never shown.'
            : 'Not set.'
      }
    >
      {(props) => (
        <input
          {...props}
          type="password"
          autoComplete="new-password"
          value={secrets[name]}
          onInput={(e) => setSecrets({ ...secrets, [name]: e.currentTarget.value })}
        />
      )}
    </Field>
  );

  return (
    <form class="card" onSubmit={(e) => void save(e)} aria-labelledby="connection-form-heading" noValidate>
      <h2 id="connection-form-heading">Acumatica connection</h2>
      <p class="hint">
        Changing the URL, tenant or client ID asks for the password and client secret again: a secret is only
        ever sent to the destination it was entered for.
      </p>
      {text('url', 'Instance URL', 'e.g. https://erp.example.com/AcumaticaERP')}
      {text('tenant', 'Tenant')}
      {text('clientId', 'Client ID', 'The connected application: <GUID>@<Tenant>. Empty for cookie sign-in.')}
      {text('restUsername', 'REST user')}
      <Field label="REST version" error={errors.restVersion}>
        {(props) => (
          <select
            {...props}
            value={draft.restVersion}
            onChange={(e) =>
              setDraft({ ...draft, restVersion: e.currentTarget.value as typeof draft.restVersion })
            }
          >
            {[...SUPPORTED_REST_VERSIONS].reverse().map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        )}
      </Field>
      {secret('restPassword', 'REST password')}
      {secret('clientSecret', 'Client secret')}
      <Notice notice={notice} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save connection
        </button>
      </div>
      <ConnectionCheck account={account} />
    </form>
  );
}
