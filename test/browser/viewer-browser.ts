// Headless Chromium for the viewer tests, through playwright-core: Debian's
// `chromium` (which .ci/run installs) or the one CHROMIUM_PATH names.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the tests leave their screenshots (ignored by git). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/viewer/', import.meta.url));

/**
 * Launches headless Chromium.
 *
 * @throws Error saying how to get one when there is no Chromium: these tests never skip silently.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: the trail viewer tests need a real browser. ` +
        "Install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** A fresh page (its own context: no sessionStorage shared between tests) that fails the test on a page error. */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refused fetch (the 401 before the key is given) is logged by Chromium itself, not by the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return page;
}

/** Saves a full-page screenshot as test-artifacts/viewer/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
