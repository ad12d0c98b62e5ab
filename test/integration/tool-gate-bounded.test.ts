import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { expect, onTestFinished } from 'vitest';
import { agenticAudit, withToolCall } from '../../src/index.js';
import { it } from '../support/audit-test.js';

it('a hung deciding backend: requests past the budget are bounded and then aborted, not piled up', async ({ install }) => {
  const sockets = new Set<Socket>();
  const hung = createServer(() => undefined); // never answers
  hung.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), hung.close(() => resolve()))));
  const backend = agenticAudit({ apiKey: 'aa_live_x', baseUrl: `http://127.0.0.1:${(hung.address() as { port: number }).port}`, maxConnections: 2 });
  // Count the backend's own requests (the real backend, over real sockets).
  let pending = 0;
  const decide = backend.decide!.bind(backend);
  backend.decide = (event, signal) => {
    pending++;
    return decide(event, signal).finally(() => pending--);
  };
  install.backends([]);
  for (let i = 0; i < 100; i++) {
    await withToolCall('lookup', { i }, () => i, { decision: { backend, failMode: 'open', timeoutMillis: 5 } });
  }
  await new Promise((resolve) => setImmediate(resolve)); // the last aborted request settles
  expect(pending).toBeLessThanOrEqual(16); // MAX_LATE_REQUESTS: the rest were aborted at the budget
  await expect.poll(() => pending, { timeout: 5_000 }).toBe(0); // and these at the late-verdict window
  await backend.shutdown();
}, 20_000);
