/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real stack: the
 * API serving the built page, the worker as a child process, Temporal, FerretDB and the emulator. It walks
 * the daily routine — sign in, mark records and see "Pending", run and watch it finish, fix the failed
 * record found in Problems and see it synced after the next run, change a setting (a rejected value shown
 * beside its field, then a valid one saved), validate the connection, read the reminders — checking every
 * screen with axe-core (no serious or critical violation) and saving a screenshot of each, at 1280×800
 * and at phone width (390×844).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../../console/build';
import { FAULTS_ADMIN_KEY } from '../../faults/api';
import { entityRoute } from '../../faults/scenario';
import { SCENARIO_TIMEOUT } from '../../faults/suite';
import { waitFor } from '../../helpers/wait';
import { check, heading, nav, UI_TIMEOUT, useConsoleSuite } from './pages';

const RUN_TIMEOUT = 180_000;

before(() => ensureConsoleBuilt());

describe('the connector console in Chromium', () => {
  const { suite, baseUrl, openPage, newAccount } = useConsoleSuite('console', 'last');

  /** Starts an incremental run from the Runs screen and waits on its page until it has completed. */
  async function runFromConsole(page: Page): Promise<void> {
    await nav(page, 'Runs').click();
    await heading(page, 'Runs');
    await page.getByRole('button', { name: 'Run incremental sync' }).click();
    await heading(page, 'Run');
    await page
      .locator('.badge', { hasText: /^completed$/ })
      .first()
      .waitFor({ timeout: RUN_TIMEOUT });
  }

  it('walks the daily routine on the real stack', { timeout: SCENARIO_TIMEOUT }, async () => {
    const emulator = await suite.emulator({ seed: 'none' });
    const account = await newAccount(emulator.url, 'Console demo', [
      'customers',
      'products',
      'price-lists',
      'invoices',
    ]);
    const { inject } = account;
    const records = `/accounts/${account.id}/records`;
    const customer = await inject('POST', `${records}/customers`, {
      name: 'Acme Field Services',
      billingAddress: { city: 'Austin', latitude: 30.26, longitude: -97.74 },
    });
    assert.equal(customer.statusCode, 201, customer.body);
    const sku = `PUMP-${account.id.slice(-4).toUpperCase()}`;
    const product = await inject('POST', `${records}/products`, { sku, description: 'Pump', price: 120 });
    assert.equal(product.statusCode, 201, product.body);
    const invoice = await inject('POST', `${records}/invoices`, {
      customerId: customer.json().id,
      invoiceDate: '2026-01-31',
      lines: [
        { sku: 'NO-SUCH-ITEM-42', description: 'An item Acumatica does not know', quantity: 1, unitPrice: 5 },
      ],
    });
    assert.equal(invoice.statusCode, 201, invoice.body);

    const page = await openPage();

    // Sign in: a wrong key is refused, the account key opens the Overview; the key stays out of the URL.
    await page.goto(baseUrl());
    await heading(page, 'Sign in to the connector console');
    await check(page, 'sign-in');
    await page.getByLabel('API key').fill('not-a-valid-key-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This key is not valid').waitFor({ timeout: UI_TIMEOUT });
    await page.getByLabel('API key').fill(account.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Overview');
    assert.ok(!page.url().includes(account.apiKey), 'the key never appears in the URL');
    const keyInTab = await page.evaluate(() =>
      (
        globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
      ).sessionStorage.getItem('fsac.console.key'),
    );
    assert.equal(keyInTab, account.apiKey, 'the key is kept in session storage');
    await page.getByText('No run has finished yet.').waitFor({ timeout: UI_TIMEOUT });
    await check(page, 'overview-empty');

    // Records: mark the customer by its checkbox, then all products and invoices, and see "Pending".
    await nav(page, 'Records').click();
    await heading(page, 'Records');
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    await row('Acme Field Services').waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('checkbox', { name: 'Select Acme Field Services' }).check();
    await page.getByRole('button', { name: 'Export to Acumatica' }).click();
    await page.getByText('Marked 1 record for export').waitFor({ timeout: UI_TIMEOUT });
    await row('Acme Field Services').getByText('Pending').waitFor({ timeout: UI_TIMEOUT });
    await check(page, 'records');
    for (const tab of ['Products', 'Invoices']) {
      await page.getByRole('link', { name: tab, exact: true }).click();
      await page.getByRole('checkbox', { name: 'Select every record on this page' }).check();
      await page.getByRole('button', { name: 'Export to Acumatica' }).click();
      await page.getByText('Marked 1 record for export').waitFor({ timeout: UI_TIMEOUT });
      await page.locator('tbody').getByText('Pending').waitFor({ timeout: UI_TIMEOUT });
    }
    // A pull-only type is read-only: no selection, no export.
    await page.getByRole('link', { name: 'Price lists', exact: true }).click();
    await page.getByText('come from Acumatica: they are read-only here').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByRole('button', { name: 'Export to Acumatica' }).count(), 0);

    // Runs: start one and watch it live. Acumatica's answers to invoice requests are held until the test
    // has seen the run in progress on the run page and on the Overview, so "live" never depends on timing.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const stopHolding = emulator.beforeSend(async (req) => {
      if (entityRoute(req)?.entity === 'Invoice') await held;
    });
    try {
      await nav(page, 'Runs').click();
      await heading(page, 'Runs');
      await page.getByRole('button', { name: 'Run incremental sync' }).click();
      await heading(page, 'Run');
      const progress = page.getByRole('table', { name: 'Progress per entity type' });
      await progress.waitFor({ timeout: RUN_TIMEOUT });
      await check(page, 'run-live');
      await nav(page, 'Overview').click();
      await heading(page, 'Overview');
      await progress.getByRole('row', { name: /Customers\s+done/ }).waitFor({ timeout: RUN_TIMEOUT });
      await progress
        .getByRole('row', { name: /Invoices\s+(waiting|running)/ })
        .waitFor({ timeout: RUN_TIMEOUT });
      await check(page, 'overview-live');
    } finally {
      release();
      stopHolding();
    }
    // The Overview follows the run to its end and shows it as the last run; its page lists the failure.
    await page.getByRole('table', { name: 'Counts per entity type' }).waitFor({ timeout: RUN_TIMEOUT });
    await page.getByText('No run is in progress.').waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('region', { name: 'Last run' }).getByRole('link').first().click();
    await heading(page, 'Run');
    await page
      .locator('.badge', { hasText: /^completed$/ })
      .first()
      .waitFor({ timeout: RUN_TIMEOUT });
    await page.getByRole('table', { name: 'Counts per entity type' }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('heading', { name: 'Failed records' }).waitFor();
    await check(page, 'run');
    await page.getByRole('button', { name: 'Show the event history' }).click();
    await page
      .getByRole('cell', { name: 'WorkflowExecutionCompleted', exact: true })
      .waitFor({ timeout: UI_TIMEOUT });
    assert.match(
      (await page.getByRole('link', { name: 'Open this run in the Temporal UI' }).getAttribute('href')) ?? '',
      /\/namespaces\/default\/workflows\/sync%2F/,
    );
    await nav(page, 'Runs').click();
    await page.getByRole('table', { name: 'Sync log, newest first' }).waitFor({ timeout: UI_TIMEOUT });
    await check(page, 'runs');

    // Records filters: the failed invoice by its sync state; a search that matches nothing says so.
    // Reached by keyboard: Enter on a nav link opens the screen with the focus on its title.
    await nav(page, 'Records').focus();
    await page.keyboard.press('Enter');
    await heading(page, 'Records');
    await waitFor(
      'the focus on the Records title',
      () =>
        page.evaluate(() => {
          const active = (
            globalThis as unknown as {
              document: { activeElement: { tagName: string; textContent: string } | null };
            }
          ).document.activeElement;
          return active?.tagName === 'H1' && active.textContent === 'Records' ? true : undefined;
        }),
      UI_TIMEOUT,
    );
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.getByLabel('Sync state').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('tbody').getByText('Sync Failed').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByLabel('Search').fill('nothing-is-called-this');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No invoices match these filters.').waitFor({ timeout: UI_TIMEOUT });

    // Problems: the invoice with Acumatica's message; open it, read its note, fix the line, re-mark it.
    await nav(page, 'Problems').click();
    await heading(page, 'Problems');
    await page.getByText('1 failed record').waitFor({ timeout: UI_TIMEOUT });
    await check(page, 'problems');
    await page.locator('tbody a').first().click();
    await heading(page, /^Invoice:/);
    await page.locator('.note-sync', { hasText: 'Sync failed' }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.locator('.badge', { hasText: 'Sync Failed' }).count(), 1);
    await check(page, 'record-failed');
    await page.getByRole('button', { name: 'Edit fields' }).click();
    const lines = page.getByLabel('lines', { exact: true });
    await lines.fill((await lines.inputValue()).replace('NO-SUCH-ITEM-42', sku));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Export it to Acumatica').waitFor({ timeout: UI_TIMEOUT });
    // Fixed but still failed until it is sent again: re-mark it from Problems.
    await nav(page, 'Problems').click();
    await heading(page, 'Problems');
    await page.getByRole('checkbox', { name: 'Select every failed record' }).check();
    await page.getByRole('button', { name: 'Export selected to Acumatica' }).click();
    await page.getByText('Marked 1 record for export again.').waitFor({ timeout: UI_TIMEOUT });
    await page.getByText('Nothing to fix').waitFor({ timeout: UI_TIMEOUT });
    const remarked = await inject('GET', `${records}/invoices/${invoice.json().id}`);
    assert.equal(remarked.json().externalId, 'Pending', remarked.body);

    // The next run sends it: the record shows its Acumatica key and Problems stays empty.
    await runFromConsole(page);
    await nav(page, 'Records').click();
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.locator('tbody a').first().click();
    await heading(page, /^Invoice:/);
    await page.locator('.badge-key').waitFor({ timeout: UI_TIMEOUT });
    const synced = await inject('GET', `${records}/invoices/${invoice.json().id}`);
    assert.equal(synced.json().syncState, 'synced', synced.body);
    await check(page, 'record');
    // A record that does not exist: the error state, with a way to try again.
    await page.evaluate((hash) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
    }, '#/records/invoices/inv_doesnotexist1');
    await page.getByRole('alert').getByText('invoice not found').waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    await check(page, 'record-error');
    await nav(page, 'Problems').click();
    await page.getByText('Nothing to fix').waitFor({ timeout: UI_TIMEOUT });

    // Settings: a delay under 15 minutes is refused beside its field; a valid one is saved.
    await nav(page, 'Settings').click();
    await heading(page, 'Settings');
    const delay = page.getByLabel('Execution delay (minutes)');
    await delay.fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const fieldError = page.locator('.field-invalid', { has: delay }).locator('.field-error');
    await fieldError.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await fieldError.innerText(), 'must be at least 15');
    assert.equal(await delay.getAttribute('aria-invalid'), 'true');
    await check(page, 'settings-invalid');
    await delay.fill('30');
    await page.getByLabel('Use the ShipTo address instead of BillTo').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor({ timeout: UI_TIMEOUT });
    const settings = await inject('GET', `/accounts/${account.id}/settings`);
    assert.equal(settings.json().executionDelayMinutes, 30);
    assert.equal(settings.json().useShipToAddress, true);

    // Connection: validate shows the checklist; changing the URL asks for the secrets again.
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText('The connection works.').waitFor({ timeout: RUN_TIMEOUT });
    await check(page, 'settings');
    await page.getByLabel('Instance URL').fill('https://erp.example.com/AcumaticaERP');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByText('enter the password again').waitFor({ timeout: UI_TIMEOUT });
    const stored = await inject('GET', `/accounts/${account.id}`);
    assert.equal(stored.json().connection.url, emulator.url, 'nothing was saved without the secrets');

    // Reminders: each run left one, unread first; marking one read moves it down.
    await nav(page, 'Reminders').click();
    await heading(page, 'Reminders');
    const unread = page.locator('.reminder-unread');
    await waitFor(
      'two unread reminders',
      async () => ((await unread.count()) === 2 ? true : undefined),
      UI_TIMEOUT,
    );
    await check(page, 'reminders');
    await unread.first().getByRole('button', { name: 'Mark read' }).click();
    await waitFor(
      'one unread reminder',
      async () => ((await unread.count()) === 1 ? true : undefined),
      UI_TIMEOUT,
    );

    // The Overview now has a last run, a failed count of 0 and one unread reminder.
    await nav(page, 'Overview').click();
    await page.getByRole('table', { name: 'Counts per entity type' }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByText('1 unread reminder').waitFor({ timeout: UI_TIMEOUT });
    await check(page, 'overview');

    // Phone width: every main screen stays usable and accessible.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [title, name] of [
      ['Overview', 'mobile-overview'],
      ['Records', 'mobile-records'],
      ['Problems', 'mobile-problems'],
      ['Runs', 'mobile-runs'],
      ['Settings', 'mobile-settings'],
      ['Reminders', 'mobile-reminders'],
    ] as const) {
      await nav(page, title).click();
      await heading(page, title);
      await page.locator('.state-loading').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      const overflow = await page.evaluate(() => {
        const w = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return w.document.documentElement.scrollWidth - w.innerWidth;
      });
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px`);
      await check(page, name);
    }

    // The admin key gets the account picker.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(FAULTS_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Choose an account');
    await check(page, 'account-picker');
    await page.getByRole('button', { name: new RegExp(account.id) }).click();
    await heading(page, 'Overview');
    await page.getByText(account.name).waitFor({ timeout: UI_TIMEOUT });
  });
});
