import { describe, expect, onTestFinished } from 'vitest';
import { agenticAudit, secureagentics, withToolCall } from '../../src/index.js';
import { startAuditReceiver } from '../../src/receiver/index.js';
import { startSecureagenticsServer } from '../servers/secureagentics-server.js';
import { it } from '../support/audit-test.js';
import { resetOtelGlobals } from '../support/tracing.js';

describe('tool gate, edge cases', () => {
  it('a second backend with the same name still receives the gated tool call', async ({ install }) => {
    // Two servers of one kind (the harness starts one per kind): closed after the provider, the last first.
    const saas = await startSecureagenticsServer();
    onTestFinished(() => saas.close());
    const own = await startSecureagenticsServer();
    onTestFinished(() => own.close());
    const deciding = secureagentics({ apiKey: saas.apiKey, baseUrl: saas.url, agentName: 'bot' });
    const mirror = secureagentics({ apiKey: own.apiKey, baseUrl: own.url, agentName: 'bot' });
    const { processor } = install.backends([deciding, mirror]);

    await withToolCall('lookup', { id: 1 }, () => ({ found: true }), { decision: { backend: deciding, failMode: 'open' } });
    await processor.forceFlush();
    // The one asked holds the call (as asked) and gets the outcome; the other gets the whole call.
    expect(saas.allEvents().map((e) => e.type)).toEqual(['tool_call', 'custom']);
    expect(own.allEvents().map((e) => e.type)).toEqual(['tool_call']);
    expect(own.allEvents()[0]!.payload).toMatchObject({ tool_name: 'lookup', arguments: { id: 1 }, result: { found: true }, status: 'ok' });
  });

  it('without a tracer SDK, each gated call has its own event id, so a verdict is never reused', async () => {
    resetOtelGlobals(); // no provider: every span context is all zeros
    const receiver = await startAuditReceiver({ port: 0, apiKey: 'k', deniedTools: ['delete_user'] });
    const backend = secureagentics({ apiKey: 'k', baseUrl: receiver.url, agentName: 'bot' });
    onTestFinished(() => receiver.close());
    onTestFinished(() => backend.shutdown());
    const decision = { backend, failMode: 'closed' as const };
    let ranDelete = 0;
    await withToolCall('lookup', {}, () => 1, { decision });
    await expect(withToolCall('delete_user', { id: 7 }, () => ++ranDelete, { decision })).rejects.toMatchObject({ verdict: 'block' });
    expect(ranDelete).toBe(0);
    const ids = receiver.events().map((e) => e.payload['event_id']);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).not.toMatch(/^0+-0+-/);
  });

  it('a verdict that lands after the budget while the tool still runs: the backend is not sent the call again', async ({ agenticAuditServer: server, install }) => {
    const backend = agenticAudit({ apiKey: server.apiKey, baseUrl: server.url });
    const { processor, tracing } = install.backends([backend]);
    server.holdReplies(300); // stores the event at once, answers after the budget
    let ran = 0;
    await withToolCall('lookup', { id: 1 }, async () => {
      ran++;
      await new Promise((resolve) => setTimeout(resolve, 600)); // a slow tool: the verdict lands meanwhile
      return 'done';
    }, { decision: { backend, failMode: 'open', timeoutMillis: 100 } });
    server.holdReplies(0);
    await processor.forceFlush();
    expect(ran).toBe(1);
    const span = tracing.memory.getFinishedSpans()[0]!;
    expect(span.attributes).toMatchObject({ 'audit.decision': 'unavailable', 'audit.decision.late_verdict': 'allow' });
    expect(server.events.filter((e) => e.action === 'lookup')).toHaveLength(1);
    expect(server.events.filter((e) => e.action === 'tool_call.result')).toHaveLength(1);
  });
});
