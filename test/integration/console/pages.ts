/**
 * What the console's browser tests share: the stack with the API serving the built console, the browser,
 * where screenshots go, the axe check that also saves one, and how a test finds the navigation and a
 * screen's title.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LightMyRequestResponse } from 'fastify';
import { CONSOLE_DIST } from '../../../console/build';
import { emulatorConnection } from '../../../emulator';
import { projectRoot } from '../../../scripts/tools';
import { FAULTS_ADMIN_KEY, bearer } from '../../faults/api';
import { useFaultSuite, type FaultSuite } from '../../faults/suite';
import { openBrowser, screenshot, seriousViolations, type TestBrowser } from '../../helpers/browser';

/** Where the screenshots go (the docs take theirs from here: docs/console.md). */
export const SHOTS = join(projectRoot, '.data', 'console-screenshots');
export const UI_TIMEOUT = 30_000;

/** Checks the page with axe (no serious or critical violation) and saves its screenshot as `name`. */
export async function check(page: Page, name: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.deepEqual(
    violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    [],
    `accessibility of ${name}`,
  );
  await screenshot(page, SHOTS, name);
}

/** A link of the console's main navigation. */
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });

/** Waits for the screen whose title (h1) is `name`. */
export const heading = (page: Page, name: string | RegExp) =>
  page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: UI_TIMEOUT });

/** An account created through the API, and a way to call the API with its key. */
export interface ConsoleAccount {
  id: string;
  name: string;
  apiKey: string;
  inject(
    method: 'GET' | 'POST',
    url: string,
    payload?: Record<string, unknown>,
  ): Promise<LightMyRequestResponse>;
}

export interface ConsoleSuite {
  readonly suite: FaultSuite;
  /** The API's address, serving the console at `/` (set once the suite's `before` has run). */
  readonly baseUrl: () => string;
  /** Opens Chromium at 1280×800; the suite closes it after saving `lastShot`, where a failing step stopped. */
  readonly openPage: () => Promise<Page>;
  /**
   * Creates an account through the API (so it has its schedule as a real one would), connected to the
   * emulator at `emulatorUrl` and syncing `entityTypes`.
   */
  readonly newAccount: (emulatorUrl: string, name: string, entityTypes: string[]) => Promise<ConsoleAccount>;
}

/** A fault suite whose API listens on a free loopback port and serves the built console. */
export function useConsoleSuite(name: string, lastShot: string): ConsoleSuite {
  const suite = useFaultSuite(name, { api: { consoleDir: CONSOLE_DIST } });
  let baseUrl = '';
  let browser: TestBrowser | undefined;
  before(async () => {
    baseUrl = await suite.api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    if (browser) await screenshot(browser.page, SHOTS, lastShot);
    await browser?.close();
  });
  return {
    suite,
    baseUrl: () => baseUrl,
    openPage: async () => {
      browser = await openBrowser();
      return browser.page;
    },
    newAccount: async (emulatorUrl, name, entityTypes) => {
      const created = await suite.api.app.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(FAULTS_ADMIN_KEY),
        payload: { name, connection: emulatorConnection(emulatorUrl), settings: { entityTypes } },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { account, apiKey } = created.json<{ account: { id: string; name: string }; apiKey: string }>();
      return {
        id: account.id,
        name: account.name,
        apiKey,
        inject: (method, url, payload) =>
          suite.api.app.inject({ method, url, headers: bearer(apiKey), ...(payload ? { payload } : {}) }),
      };
    },
  };
}
