import { createServer, type Server } from 'node:net';
import { describe, expect } from 'vitest';
import {
  AuditBlockedError,
  isAuditBlockedError,
  isAuditError,
  secureagentics,
  withSession,
  withToolCall,
  type AuditBackend,
  type ToolDecisionOptions,
} from '../../src/index.js';
import { auditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { it as base, type InstalledAudit } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';

/**
 * `server`: the Secureagentics test server with the demonstration deny list. `audit`: the audit
 * processor with `backend`, installed. `backendFor`: a Secureagentics backend on that server (or `url`).
 * `singleEventPosts`, `toolCallsFor`: what the server was asked one event at a time, and its tool calls.
 */
const it = base
  .extend('server', ({ secureagenticsServer: server }) => {
    // The demonstration deny list: `delete_user` is blocked, everything else allowed.
    server.setPolicy((event) =>
      event.type === 'tool_call' && event.payload['tool_name'] === 'delete_user'
        ? { decision: 'block', violations: [{ policy: 'tool.denylist', reason: "tool 'delete_user' is on the deny list" }] }
        : { decision: 'allow', violations: [] },
    );
    return server;
  })
  .extend('audit', ({ install }) => (backend: AuditBackend, toolDecision?: ToolDecisionOptions): InstalledAudit => {
    const processor = auditSpanProcessor({ backends: [backend], ...FAST_RETRY, ...(toolDecision && { toolDecision }) });
    return { processor, tracing: install.tracing([processor]) };
  })
  .extend('backendFor', ({ server }) => (url = server.url) => secureagentics({ apiKey: server.apiKey, baseUrl: url, agentName: 'ops-bot' }))
  .extend('singleEventPosts', ({ server }) => () => server.requests.filter((r) => r.method === 'POST' && /\/events$/.test(r.path)))
  .extend('toolCallsFor', ({ server }) => (name: string) => server.allEvents().filter((e) => e.type === 'tool_call' && e.payload['tool_name'] === name));

/** A port with nothing listening: connections are refused at once. */
async function deadUrl(): Promise<string> {
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('tool calls gated by a deciding backend', () => {
  it('never runs a denied tool: AuditBlockedError with the reason, the verdict on the span, the event sent once', async ({ server, audit, backendFor, singleEventPosts, toolCallsFor }) => {
    const backend = backendFor();
    const { processor, tracing } = audit(backend);
    let ran = 0;
    const error = await withSession({ agentName: 'ops-bot' }, () =>
      withToolCall('delete_user', { id: 7 }, () => ++ran, { decision: { backend, failMode: 'open' } }),
    ).catch((e: unknown) => e);

    expect(ran).toBe(0);
    expect(error).toBeInstanceOf(AuditBlockedError);
    expect(isAuditBlockedError(error) && isAuditError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'TOOL_BLOCKED', toolName: 'delete_user', verdict: 'block', backend: 'secureagentics', reason: "tool 'delete_user' is on the deny list" });

    const span = tracing!.memory.getFinishedSpans().find((s) => s.name === 'execute_tool delete_user')!;
    expect(span.attributes).toMatchObject({ 'audit.decision': 'block', 'audit.decision.backend': 'secureagentics' });
    expect(span.status.code).toBe(2); // ERROR

    await processor.forceFlush();
    // Asked once through the single-event call; the exporter did not send the tool call again.
    expect(singleEventPosts()).toHaveLength(1);
    const calls = toolCallsFor('delete_user');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.payload).toMatchObject({ event_id: `${span.spanContext().traceId}-${span.spanContext().spanId}-tool_call`, arguments: { id: 7 }, status: 'pending' });
    // The outcome follows as its own event, not as the tool call again.
    expect(server.allEvents().filter((e) => e.payload['name'] === 'tool_call.result')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ tool_call_event_id: calls[0]!.payload['event_id'], status: 'error', decision: expect.objectContaining({ verdict: 'block' }) }) }),
    ]);
    // The refusal itself is in the trail as an error of that span.
    expect(server.allEvents().filter((e) => e.type === 'error' && e.payload['span_id'] === span.spanContext().spanId)).toHaveLength(1);
  });

  it('runs an allowed tool exactly once and returns its value', async ({ server, audit, backendFor, toolCallsFor }) => {
    const backend = backendFor();
    const { processor, tracing } = audit(backend);
    let ran = 0;
    const value = await withToolCall('lookup_order', { id: 42 }, () => {
      ran++;
      return { status: 'shipped' };
    }, { decision: { backend, failMode: 'closed' } });

    expect(value).toEqual({ status: 'shipped' });
    expect(ran).toBe(1);
    await processor.forceFlush();
    expect(toolCallsFor('lookup_order')).toHaveLength(1);
    expect(server.allEvents().find((e) => e.payload['name'] === 'tool_call.result')!.payload).toMatchObject({ result: { status: 'shipped' }, status: 'ok' });
    const span = tracing!.memory.getFinishedSpans()[0]!;
    expect(span.attributes).toMatchObject({ 'audit.decision': 'allow', 'gen_ai.tool.call.result': '{"status":"shipped"}' });
  });

  it('with the backend down, fail-open runs the tool and fail-closed does not — both within the budget', async ({ audit, backendFor, diagnostics }) => {
    const backend = backendFor(await deadUrl());
    const { tracing } = audit(backend);
    const timeoutMillis = 500;

    let ran = 0;
    let started = Date.now();
    await withToolCall('lookup_order', {}, () => ++ran, { decision: { backend, failMode: 'open', timeoutMillis } });
    const openMillis = Date.now() - started;
    expect(ran).toBe(1);

    started = Date.now();
    const error = await withToolCall('lookup_order', {}, () => ++ran, { decision: { backend, failMode: 'closed', timeoutMillis } }).catch((e: unknown) => e);
    const closedMillis = Date.now() - started;
    expect(ran).toBe(1);
    expect(error).toMatchObject({ code: 'TOOL_BLOCKED', verdict: 'unavailable' });

    // The budget bounds the wait (generous margin for a loaded machine; not a speed target).
    expect(openMillis).toBeLessThan(timeoutMillis + 1_000);
    expect(closedMillis).toBeLessThan(timeoutMillis + 1_000);
    const spans = tracing!.memory.getFinishedSpans();
    expect(spans.map((s) => s.attributes['audit.decision.fail_mode'])).toEqual(['open', 'closed']);
    // Said once for the outage, not per call, with what to check.
    expect(diagnostics.warnings.filter((w) => w.includes('gave no verdict'))).toHaveLength(1);
  });

  it('stops waiting for a slow backend at the budget, then applies the fail mode', async ({ server, audit, backendFor }) => {
    server.script((req) => (/\/events$/.test(req.path) ? { status: 201, body: {}, delayMillis: 5_000 } : undefined));
    const backend = backendFor();
    audit(backend);
    let ran = 0;
    const started = Date.now();
    const error = await withToolCall('lookup_order', {}, () => ++ran, { decision: { backend, failMode: 'closed', timeoutMillis: 300 } }).catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(ran).toBe(0);
    expect(error).toMatchObject({ verdict: 'unavailable', reason: 'no verdict within 300 ms' });
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(300 + 1_000);
  });

  it('applies the setup-wide toolDecision to every withToolCall; decision: false opts one call out', async ({ audit, backendFor, singleEventPosts, toolCallsFor }) => {
    const backend = backendFor();
    const { processor } = audit(backend, { backend, failMode: 'closed' });
    let ran = 0;
    await expect(withToolCall('delete_user', {}, () => ++ran)).rejects.toBeInstanceOf(AuditBlockedError);
    expect(await withToolCall('delete_user', {}, () => ++ran, { decision: false })).toBe(1);
    await processor.forceFlush();
    expect(singleEventPosts()).toHaveLength(1);
    // The opted-out call reached the backend the normal way, in a batch.
    expect(toolCallsFor('delete_user')).toHaveLength(2);

    await processor.shutdown();
    expect(await withToolCall('delete_user', {}, () => ++ran)).toBe(2); // the default ends with its processor
  });

  it('a malformed verdict is no verdict: the fail mode applies', async ({ server, audit, backendFor }) => {
    server.script((req) => (/\/events$/.test(req.path) ? { status: 201, body: '{"id":"evt_1",' } : undefined));
    const backend = backendFor();
    const { tracing } = audit(backend);
    let ran = 0;
    await withToolCall('lookup_order', {}, () => ++ran, { decision: { backend, failMode: 'open' } });
    expect(ran).toBe(1);
    expect(tracing!.memory.getFinishedSpans()[0]!.attributes['audit.decision']).toBe('unavailable');
  });

  it('refuses at setup a backend that cannot decide, or a missing fail mode', ({ backendFor }) => {
    const cannotDecide: AuditBackend = { name: 'quiet', maxBatchSize: 1, send: async () => ({ kind: 'delivered' }), shutdown: async () => {} };
    expect(() => auditSpanProcessor({ backends: [cannotDecide], toolDecision: { backend: cannotDecide, failMode: 'open' } })).toThrow(/toolDecision\.backend/);
    const backend = backendFor();
    expect(() => withToolCall('x', {}, () => 1, { decision: { backend } as unknown as ToolDecisionOptions })).toThrow(/decision\.failMode/);
  });
});
