/**
 * The record page's "Sync now" and "Do Not Send" in Chromium against the real stack (API serving the built
 * console, worker child process, Temporal, FerretDB, emulator): sync one customer now — first waiting
 * behind a run in progress, then synced with its Acumatica key; mark another Do Not Send and see the badge, the record page's disabled export
 * with its reason, and the Records list's export of many refused with the API's 409; then clear it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ensureConsoleBuilt } from '../../../console/build';
import { SCENARIO_TIMEOUT } from '../../faults/suite';
import { putCount } from '../../helpers/inspect';
import { waitFor } from '../../helpers/wait';
import { entityRoute } from '../../faults/scenario';
import { check, heading, nav, UI_TIMEOUT, useConsoleSuite } from './pages';

const SYNC_TIMEOUT = 120_000;

before(() => ensureConsoleBuilt());

describe('the record page actions in Chromium', () => {
  const { suite, baseUrl, openPage, newAccount } = useConsoleSuite('console-record', 'record-actions-last');

  it('syncs one record now, and sets and clears Do Not Send', { timeout: SCENARIO_TIMEOUT }, async () => {
    const emulator = await suite.emulator({ seed: 'none' });
    const account = await newAccount(emulator.url, 'Record actions', ['customers']);
    const { inject, apiKey } = account;
    const customers = `/accounts/${account.id}/records/customers`;
    const newCustomer = async (name: string) => {
      const res = await inject('POST', customers, { name, billingAddress: { city: 'Austin' } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string }>().id;
    };
    const now = await newCustomer('Now Plumbing');
    const held = await newCustomer('Held Electric');

    const page = await openPage();
    await page.goto(baseUrl());
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Overview');

    // Sync now: the customer goes to Acumatica without a run; the page shows the outcome and its key.
    const open = async (id: string) => {
      await page.evaluate((hash) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
      }, `#/records/customers/${id}`);
      await heading(page, /^Customer:/);
    };
    // A run holds the account (its Acumatica requests are held until the page has shown the wait), so
    // the sync first says it waits behind that run, then starts when the run ends.
    await open(now);
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    let runReachedAcumatica = false;
    const stopHolding = emulator.beforeSend(async (req) => {
      if (entityRoute(req)?.entity !== 'Customer') return;
      runReachedAcumatica = true;
      await hold;
    });
    const outcome = page.getByRole('status').filter({ hasText: /^Synced: sent to Acumatica/ });
    try {
      const run = await suite.startRun(account.id);
      await waitFor(
        'the run to reach Acumatica',
        () => (runReachedAcumatica ? true : undefined),
        SYNC_TIMEOUT,
      );
      const syncButton = page.getByRole('button', { name: 'Sync now' });
      await syncButton.focus();
      await page.keyboard.press('Enter');
      await page
        .getByText(`Waiting: a run is in progress (${run.workflowId})`)
        .waitFor({ timeout: UI_TIMEOUT });
      await check(page, 'record-sync-waiting');
    } finally {
      release();
      stopHolding();
    }
    await outcome.waitFor({ timeout: SYNC_TIMEOUT });
    const synced = await inject('GET', `${customers}/${now}`);
    assert.equal(synced.json().syncState, 'synced', synced.body);
    const key = synced.json<{ sync: { externalId?: string } }>().sync.externalId;
    assert.ok(key, synced.body);
    assert.match(await outcome.innerText(), new RegExp(`Its Acumatica key is ${key}\\.`));
    await page.locator('.badge-key', { hasText: key }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(putCount(emulator, 'Customer'), 1, 'exactly the one customer reached Acumatica');

    // Do Not Send with a reason: the badge, and export and sync now are off with the reason beside them.
    await open(held);
    await page.getByLabel('Reason for Do Not Send (optional)').fill('Duplicate of another customer');
    await page.getByRole('button', { name: 'Set Do Not Send' }).click();
    await page.locator('.badge', { hasText: 'Do Not Send' }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByText(': Duplicate of another customer.').waitFor({ timeout: UI_TIMEOUT });
    const exportButton = page.getByRole('button', { name: 'Export to Acumatica' });
    assert.equal(await exportButton.isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Sync now' }).isDisabled(), true);
    assert.equal(
      await exportButton.getAttribute('aria-describedby'),
      'do-not-send-why',
      'the disabled export says why',
    );
    await page.getByText('Marked Do Not Send: clear it below').waitFor();
    const stored = await inject('GET', `${customers}/${held}`);
    assert.equal(stored.json().externalId, 'Do Not Send', stored.body);
    assert.equal(stored.json().sync.doNotSend.reason, 'Duplicate of another customer');
    await check(page, 'record-actions');

    // The Records list shows the badge; exporting every customer on the page is refused with the 409.
    await nav(page, 'Records').click();
    await heading(page, 'Records');
    await page
      .getByRole('row', { name: /Held Electric/ })
      .getByText('Do Not Send')
      .waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('checkbox', { name: 'Select every record on this page' }).check();
    await page.getByRole('button', { name: 'Export to Acumatica' }).click();
    await page
      .getByRole('alert')
      .getByText(`Customer ${held} is marked Do Not Send`)
      .waitFor({ timeout: UI_TIMEOUT });
    const untouched = await inject('GET', `${customers}/${now}`);
    assert.equal(untouched.json().syncState, 'synced', 'a refused export marks none of the selection');

    // Clear it: export is back and marks the record Pending.
    await open(held);
    await page.getByRole('button', { name: 'Clear Do Not Send' }).click();
    await page.getByRole('button', { name: 'Set Do Not Send' }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await exportButton.isDisabled(), false);
    await exportButton.click();
    await page.getByText('Marked for export').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.badge', { hasText: 'Pending' }).waitFor({ timeout: UI_TIMEOUT });
    const cleared = await inject('GET', `${customers}/${held}`);
    assert.equal(cleared.json().externalId, 'Pending', cleared.body);
    assert.equal(cleared.json().sync.doNotSend, undefined);
  });
});
