import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, onTestFinished } from 'vitest';
import { agenticAudit, withToolCall, type AgenticAuditResult } from '../../../src/index.js';
import type { StoredAgenticAuditEvent } from '../../../src/receiver/index.js';
import { it } from '../../support/audit-test.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

let dir: string | undefined;

/** A receiver for the running test, closed after it (after its provider, as the harness's servers are). */
async function start(options: Parameters<typeof startTestReceiver>[0] = {}): Promise<TestClient> {
  const client = await startTestReceiver(options);
  onTestFinished(() => client.receiver.close());
  return client;
}

afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const event = (extra: Record<string, unknown> = {}) => ({ agent_id: 'support-bot', action: 'lookup_order', data: { order_id: 42 }, ...extra });

describe('POST /v1/events (AgenticAudit)', () => {
  it('answers 201 with the stored event and a low-risk allow for a plain event', async () => {
    const { request, receiver } = await start();
    const reply = await request('POST', '/v1/events', event({ context: { event_id: 'e-1', environment: 'dev' }, reasoning: 'customer asked' }));
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-z]{26}$/),
      agent_id: 'support-bot',
      action: 'lookup_order',
      data: { order_id: 42 },
      context: { event_id: 'e-1', environment: 'dev' },
      reasoning: 'customer asked',
      risk_level: 'low',
      pii_detected: false,
      pii_fields: [],
      frameworks: { gdpr: [], ai_act: ['art_12'] },
      created_at: expect.stringMatching(/Z$/),
      stored: true,
      decision: 'allow',
      reason: null,
    });
    expect(Object.keys(reply.body)).toEqual(['id', 'agent_id', 'action', 'data', 'context', 'reasoning', 'risk_level', 'pii_detected', 'pii_fields', 'frameworks', 'created_at', 'stored', 'decision', 'reason']);
    expect(receiver.agenticAuditEvents()).toEqual([reply.body]);
    expect(receiver.events()).toEqual([]); // not mixed into the Secureagentics events
  });

  it('derives risk, PII, frameworks and a block from the policies', async () => {
    const { request } = await start({ deniedTools: ['delete_customer'] });
    const pii = await request('POST', '/v1/events', event({ data: { query: "SELECT * FROM customers WHERE email = 'ann@example.com'" } }));
    expect(pii.body).toMatchObject({ risk_level: 'high', pii_detected: true, pii_fields: ['email'], frameworks: { gdpr: ['art_30', 'art_15'], ai_act: ['art_12', 'art_14', 'art_9'] }, decision: 'allow', reason: null });
    const secret = await request('POST', '/v1/events', event({ data: { note: 'key sk-proj-abcdefghijklmnopqrstuvwxyz' } }));
    expect(secret.body).toMatchObject({ risk_level: 'critical', pii_detected: false, decision: 'allow' });
    const denied = await request('POST', '/v1/events', event({ action: 'delete_customer', data: { id: 7 } }));
    expect(denied.body).toMatchObject({ risk_level: 'high', decision: 'block', reason: "tool 'delete_customer' is on the deny list" });
    const byToolName = await request('POST', '/v1/events', event({ action: 'tool', data: { tool_name: 'delete_customer' } }));
    expect(byToolName.body).toMatchObject({ decision: 'block' });
    const error = await request('POST', '/v1/events', event({ action: 'error', data: { message: 'boom' } }));
    expect(error.body).toMatchObject({ risk_level: 'medium', decision: 'allow' });
  });

  it.each([
    ['a missing agent_id', { action: 'a', data: {} }, /agent_id is required/],
    ['an empty action', { agent_id: 'x', action: ' ', data: {} }, /action is required and must be a non-empty string/],
    ['a missing data', { agent_id: 'x', action: 'a' }, /data is required and must be a JSON object, got nothing/],
    ['data as an array', { agent_id: 'x', action: 'a', data: [] }, /data is required and must be a JSON object, got an array/],
    ['a number agent_id', { agent_id: 7, action: 'a', data: {} }, /agent_id .* got number 7/],
    ['context as a string', { agent_id: 'x', action: 'a', data: {}, context: 'prod' }, /context must be a JSON object or null/],
    ['an unknown field', { agent_id: 'x', action: 'a', data: {}, extra: 1 }, /'extra' is not a known event field/],
    ['a bare array', [], /request body must be a JSON object/],
    ['invalid JSON', '{"agent_id":', /not valid JSON/],
  ])('answers 422 naming the problem for %s, and stores nothing', async (_name, body, message) => {
    const { request, receiver } = await start();
    const reply = await request('POST', '/v1/events', body);
    expect(reply.status).toBe(422);
    expect(reply.body.error).toMatch(message);
    expect(receiver.agenticAuditEvents()).toEqual([]);
  });

  it('requires the configured bearer key, like every other route', async () => {
    const { receiver } = await start({ apiKey: 'right' });
    const response = await fetch(`${receiver.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: JSON.stringify(event()),
    });
    expect(response.status).toBe(401);
    expect(receiver.agenticAuditEvents()).toEqual([]);
  });

  it('answers a retry (same context.event_id, action and data) with the stored event, and stores new data under the same id', async () => {
    const seen: StoredAgenticAuditEvent[] = [];
    const { request, receiver } = await start({ onAgenticAuditEvent: (e) => seen.push(e) });
    const first = await request('POST', '/v1/events', event({ context: { event_id: 'e-1' } }));
    const retry = await request('POST', '/v1/events', event({ context: { event_id: 'e-1' } }));
    const later = await request('POST', '/v1/events', event({ context: { event_id: 'e-1' }, data: { order_id: 42, result: 'shipped' } }));
    expect(retry.body).toEqual(first.body);
    expect(later.body.id).not.toBe(first.body.id);
    expect(receiver.agenticAuditEvents().map((e) => e.id)).toEqual([first.body.id, later.body.id]);
    expect(seen.map((e) => e.id)).toEqual([first.body.id, later.body.id]);
  });

  it('keeps the events in the JSONL trail and reloads them, beside Secureagentics events', async ({ diagnostics }) => {
    dir = await mkdtemp(join(tmpdir(), 'otel-agent-audit-agentic-'));
    const file = join(dir, 'trail.jsonl');
    const first = await start({ file });
    const stored = await first.request('POST', '/v1/events', event({ context: { event_id: 'e-9' } }));
    const agent = await first.registerAgent('sa-agent');
    await first.request('POST', `/v1/agents/${agent}/events`, { type: 'prompt', payload: { prompt: 'hi' } });
    await first.receiver.close();

    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.record)).toEqual(['agentic_event', 'agent', 'event']);
    expect(lines[0]).toEqual({ record: 'agentic_event', ...stored.body });

    const second = await start({ file });
    expect(second.receiver.agenticAuditEvents()).toEqual([stored.body]);
    expect(second.receiver.events()).toHaveLength(1);
    expect((await second.request('POST', '/v1/events', event({ context: { event_id: 'e-9' } }))).body).toEqual(stored.body);
    expect(diagnostics.warnings.filter((w) => w.includes('skipped'))).toEqual([]);
  });

  it('is what the agenticAudit backend talks to offline: results reach onResult, a denied tool is blocked', async ({ install }) => {
    const { receiver } = await start({ apiKey: 'aa_live_dev', deniedTools: ['delete_customer'] });
    const results: Array<[string, AgenticAuditResult]> = [];
    const installed = install.backends([
      agenticAudit({ apiKey: 'aa_live_dev', baseUrl: receiver.url, onResult: (result, e) => results.push([String(e.payload.tool_name), result]) }),
    ], { maxConcurrentRequests: 1, redaction: { disable: ['email'] } }); // the receiver's PII finding needs to see the email
    withToolCall('lookup_customer', { email: 'ann@example.com' }, () => 1);
    withToolCall('delete_customer', { id: 7 }, () => 2);
    await installed.processor.forceFlush();
    expect(results.map(([tool, r]) => [tool, r.riskLevel, r.piiDetected, r.decision, r.reason])).toEqual([
      ['lookup_customer', 'high', true, 'allow', undefined],
      ['delete_customer', 'high', false, 'block', "tool 'delete_customer' is on the deny list"],
    ]);
    expect(receiver.agenticAuditEvents().map((e) => e.context?.['service.name'])).toEqual(['support-service', 'support-service']);
  });
});
