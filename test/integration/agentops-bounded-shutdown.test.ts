import { describe, expect } from 'vitest';
import { agentops, withToolCall, type AuditEvent } from '../../src/index.js';
import { it as base } from '../support/audit-test.js';

const toolCall: AuditEvent = {
  id: `${'a'.repeat(32)}-${'b'.repeat(16)}-tool_call`, type: 'tool_call', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16),
  timestamp: '2026-05-04T10:00:00.000Z', payload: { tool_name: 'cron_job', arguments: {} },
}; // no sessionId: it goes to the no-session session, which shutdown ends

/** `hangOn`: resolves when the AgentOps server has received `path` (and holds its answer back for a minute). */
const it = base.extend('hangOn', ({ agentOpsServer: server }) => (path: string): Promise<void> =>
  new Promise((arrived) => {
    server.script((req) => {
      if (req.path !== path) return undefined;
      arrived();
      return { status: 200, body: { status: 'Success' }, delayMillis: 60_000 };
    });
  }));

describe('AgentOps shutdown when the service stops answering', () => {
  it('stops waiting for update_session once the shutdown signal aborts, closes the connection, and says the session stays open', async ({ agentOpsServer: server, hangOn, diagnostics }) => {
    // A request timeout far beyond the test's own: only the shutdown signal can end the wait.
    const backend = agentops({ apiKey: server.apiKey, baseUrl: server.url, requestTimeoutMillis: 600_000 });
    expect((await backend.send([toolCall], new AbortController().signal)).kind).toBe('delivered');
    const hung = hangOn('/v2/update_session');

    const deadline = new AbortController();
    const shutdown = backend.shutdown(deadline.signal);
    await hung;
    deadline.abort();
    await shutdown;

    await server.waitForConnectionsClosed(); // the hung request's socket was destroyed, not left to the server
    expect(server.sessions()[0]!.end).toBeUndefined();
    expect(diagnostics.warnings.filter((m) => m.includes('could not end the AgentOps session'))).toEqual([
      expect.stringContaining('stays open'),
    ]);
  });

  it('lets the processor shut down past its deadline while update_session hangs', async ({ agentOpsServer: server, hangOn, diagnostics, install }) => {
    const installed = install.backends([agentops({ apiKey: server.apiKey, baseUrl: server.url, requestTimeoutMillis: 600_000 })], { shutdownTimeoutMillis: 300 });
    await withToolCall('cron_job', {}, () => 1); // outside any session
    await installed.processor.forceFlush();
    const hung = hangOn('/v2/update_session');

    await installed.processor.shutdown(); // only the pipeline's deadline can end it: the request timeout is 10 minutes
    await hung;
    expect(server.sessions()[0]!.end).toBeUndefined();
    expect(diagnostics.warnings.some((m) => m.includes('could not end the AgentOps session') || m.includes('agentops: closing took longer'))).toBe(true);
  });

  it('sends nothing when the deadline has already passed, and ends no session that was never created', async ({ agentOpsServer: server, diagnostics }) => {
    const backend = agentops({ apiKey: server.apiKey, baseUrl: server.url });
    await backend.shutdown(AbortSignal.abort());
    expect(server.requests).toEqual([]);
    expect(diagnostics.warnings).toEqual([]);
  });
});
