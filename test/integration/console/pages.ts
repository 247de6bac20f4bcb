/**
 * What the console's browser tests share: where screenshots go, the axe check that also saves one, and
 * how a test finds the navigation and a screen's title.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../scripts/tools';
import { screenshot, seriousViolations } from '../../helpers/browser';

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
