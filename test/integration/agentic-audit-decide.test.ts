import { describe, expect } from 'vitest';
import { agenticAudit, withToolCall, type AgenticAuditOptions, type AgenticAuditResult, type AuditEvent } from '../../src/index.js';
import { it as base } from '../support/audit-test.js';

type Body = { agent_id: string; action: string; data: Record<string, unknown>; context: Record<string, unknown> };

const toolEvent: AuditEvent = {
  id: `${'a'.repeat(32)}-${'b'.repeat(16)}-tool_call`,
  type: 'tool_call',
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  timestamp: '2026-05-04T10:30:00.000Z',
  agentName: 'ops-bot',
  payload: { tool_name: 'delete_customer', arguments: { id: 7 }, status: 'pending' },
};

/** `bodies`: what the AgenticAudit server was posted. `decide`: a fresh backend's verdict on `toolEvent` from that server. */
const it = base
  .extend('bodies', ({ agenticAuditServer: server }) => (): Body[] => server.requests.map((r) => r.body as Body))
  .extend('decide', ({ agenticAuditServer: server }) => async (options: AgenticAuditOptions = {}) => {
    const backend = agenticAudit({ apiKey: server.apiKey, baseUrl: server.url, ...options });
    try {
      return await backend.decide!(toolEvent, AbortSignal.timeout(5_000));
    } finally {
      await backend.shutdown();
    }
  });

describe('AgenticAudit decide', () => {
  it('posts the tool call now, with our event id in context, and maps decision block to a block', async ({ agenticAuditServer: server, bodies, decide }) => {
    server.assess(({ action }) => (action === 'delete_customer' ? { decision: 'block', reason: 'destructive action', risk_level: 'critical' } : {}));
    const results: AgenticAuditResult[] = [];
    const decision = await decide({ onResult: (result) => results.push(result) });
    expect(decision).toMatchObject({ kind: 'block', reason: 'destructive action' });
    expect(bodies()).toEqual([expect.objectContaining({ agent_id: 'ops-bot', action: 'delete_customer', context: expect.objectContaining({ event_id: toolEvent.id }) })]);
    expect(results.map((r) => r.riskLevel)).toEqual(['critical']);
  });

  it('maps decision allow to allow', async ({ decide }) => {
    expect(await decide()).toMatchObject({ kind: 'allow' });
  });

  it('answers unavailable, with a reason, for a non-2xx, an answer without a decision, a wrong key and a dead server', async ({ agenticAuditServer: server, decide }) => {
    server.script((_req, n) => [{ status: 500, body: { detail: 'db down' } }, { status: 201, body: 'not json' }][n]);
    expect(await decide()).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('500 on POST /v1/events (db down)') });
    expect(await decide()).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('without a decision') });
    expect(await decide({ apiKey: 'aa_live_wrong' })).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('AGENTAUDIT_KEY') });
    const url = server.url;
    await server.close();
    expect(await decide({ baseUrl: url })).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('POST /v1/events failed') });
  });

  it('stops a tool the service blocks when used as the tool gate, and does not post the tool call twice', async ({ agenticAuditServer: server, bodies, install }) => {
    server.assess(({ action }) => (action === 'delete_customer' ? { decision: 'block', reason: 'destructive action' } : {}));
    const backend = agenticAudit({ apiKey: server.apiKey, baseUrl: server.url });
    const installed = install.backends([backend], { maxConcurrentRequests: 1 });
    let ran = false;
    const outcome = await withToolCall('delete_customer', { id: 7 }, () => (ran = true), { decision: { backend, failMode: 'closed' } }).catch((error: unknown) => error);
    await installed.processor.forceFlush();
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ code: 'TOOL_BLOCKED', reason: 'destructive action' });
    expect(bodies().filter((b) => b.action === 'delete_customer')).toHaveLength(1);
  });
});
