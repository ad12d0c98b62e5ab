// The page ships as strings in viewer-assets.generated.ts (tsc copies no
// HTML, CSS or JS): that file must be what the script makes of the assets now.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VIEWER_ASSETS } from '../../../../src/receiver/viewer/viewer-assets.generated.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const assets = new URL('../../../../src/receiver/viewer/assets/', import.meta.url);

describe('viewer-assets.generated.ts', () => {
  it('is up to date with src/receiver/viewer/assets/ (else run `node scripts/embed-viewer-assets.mjs` and commit it)', async () => {
    const check = await run(process.execPath, ['scripts/embed-viewer-assets.mjs', '--check'], { cwd: root }).then(
      () => 'up to date',
      (error: { stderr: string }) => error.stderr.trim(),
    );
    expect(check).toBe('up to date');
  });

  it('holds every asset, byte for byte', async () => {
    const names = (await readdir(assets)).sort();
    expect(Object.keys(VIEWER_ASSETS).sort()).toEqual(names);
    for (const name of names) expect(VIEWER_ASSETS[name]!.body, name).toBe(await readFile(new URL(name, assets), 'utf8'));
  });

  it('has the page load its script from a file, with no inline script for the CSP to refuse', () => {
    const html = VIEWER_ASSETS['index.html']!.body;
    // event-rows.js first: deferred scripts run in order, and viewer.js takes the row builders from it.
    expect(html).toContain('<script src="event-rows.js" defer></script>\n  <script src="viewer.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="viewer.css">');
  });

  it('has the page write trail content as text only: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    for (const script of ['viewer.js', 'event-rows.js']) {
      expect(VIEWER_ASSETS[script]!.body, script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});
