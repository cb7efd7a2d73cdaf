import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../../fee-data/paths.js';

/*
 * Debian's Chromium driven by playwright-core (ENVIRONMENT.md), for the SmartBill browser tests.
 * A missing browser fails by name; it is never a skip.
 */

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots and other artefacts of the browser tests (gitignored). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/**
 * Launches headless Chromium and makes the artefact directory.
 *
 * @returns the browser
 * @throws Error naming the missing prerequisite when Chromium is not installed
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `missing prerequisite: chromium (Debian package chromium at ${CHROMIUM}); install it with apt-get install chromium`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Types an amount into the SmartBill gate, submits it with the keyboard and waits until the page
 * has answered (PBKDF2 takes a moment: this waits for the answer, it never sleeps).
 *
 * @param page - a SmartBill page
 * @param typed - what the viewer types
 */
export async function enterAmount(page: Page, typed: string): Promise<void> {
  await page.getByLabel('Total charge on the bill').fill(typed);
  await page.getByLabel('Total charge on the bill').press('Enter');
  // The page clears its message when the form is submitted, so this waits for this attempt's answer.
  await page
    .locator('#details:not([hidden]), #gate-error:not(:empty)')
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * Every line's allowed amount as the revealed page shows it (the `<data value>` of its cell).
 *
 * @param page - a SmartBill page with its details shown
 * @returns per line, the machine value and the text shown
 */
export async function shownAllowedAmounts(
  page: Page,
): Promise<Array<{ value: string | null; text: string | undefined }>> {
  return page.$$eval('section.line', (sections) =>
    sections.map((s) => {
      const cell = s.querySelector('td[data-field="allowed"]');
      const data = cell?.querySelector('data');
      return {
        value: data ? data.getAttribute('value') : null,
        text: (cell as { innerText: string } | null)?.innerText,
      };
    }),
  );
}
