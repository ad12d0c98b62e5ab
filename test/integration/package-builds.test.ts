import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/model/version.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
let server: SecureagenticsTestServer;

beforeEach(async () => {
  server = await startSecureagenticsServer();
});
afterEach(() => server.close());

// `npm test` builds first; these load dist/ through the package's exports map,
// in fresh processes, as an application would.
describe.each([
  ['esm', 'test/fixtures/load-esm.mjs'],
  ['cjs', 'test/fixtures/load-cjs.cjs'],
])('the %s build', (format, script) => {
  it('loads by package name and delivers a session', async () => {
    const { stdout } = await run(process.execPath, [script], {
      cwd: root,
      env: { ...process.env, AUDIT_TEST_URL: server.url, AUDIT_TEST_KEY: server.apiKey },
    });
    expect(JSON.parse(stdout)).toEqual({
      format,
      version: VERSION,
      stats: { queued: 0, inFlight: 0, delivered: 3, failed: 0, dropped: 0, retries: 0, deferred: 0, backlog: 0, trailRecordsLost: 0 },
    });
    expect(server.allEvents().map((e) => e.payload.agent_name)).toEqual([`${format}-agent`, `${format}-agent`, `${format}-agent`]);
  });
});

it('declares the same version as package.json', () => {
  expect(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version).toBe(VERSION);
});

// Message text cut from a large string must not keep that string alive for
// as long as the span is held (a batch queue, an in-memory exporter).
it('keeps a chat span small when its messages were cut from a large page', async () => {
  const { stdout } = await run(process.execPath, ['--expose-gc', 'test/fixtures/span-memory.mjs'], { cwd: root });
  const { spans, bytesPerSpan } = JSON.parse(stdout) as { spans: number; bytesPerSpan: number };
  expect(spans).toBe(20);
  // Keeping the page would be over 1 MB a span; without it, under 100 kB here.
  expect(bytesPerSpan).toBeLessThan(200_000);
});
