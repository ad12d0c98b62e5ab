import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import { BUILTIN_RULES } from '../../../src/redact/builtin-rules.js';
import { REDACTIONS_FIELD, redactEvent } from '../../../src/redact/redact-event.js';
import { Redactor, type RedactionCounts } from '../../../src/redact/redactor.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const KEY = 'sk-' + 'proj-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE' + 'yU2iO4pA';

function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `${TRACE}-${SPAN}-tool_call`,
    type: 'tool_call',
    traceId: TRACE,
    spanId: SPAN,
    parentSpanId: '1111111111111111',
    timestamp: '2024-10-22T10:30:45.123Z',
    sessionId: 'sess_1',
    agentName: 'travel-agent',
    payload: { tool_name: 'search', tool_args: { city: 'Paris' }, token_count: 12 },
    resource: { 'service.name': 'agent' },
    ...overrides,
  };
}

describe('redactEvent', () => {
  it('returns the same event when nothing needs redacting', () => {
    const e = event();
    const totals: RedactionCounts = {};
    expect(redactEvent(e, new Redactor({ rules: BUILTIN_RULES }), totals)).toBe(e);
    expect(totals).toEqual({});
  });

  it('redacts payload, session and agent fields, records the counts in the payload and adds them to the totals', () => {
    const e = event({
      sessionId: 'bob@example.com',
      agentId: 'agent at 203.0.113.7',
      payload: { prompt: `use ${KEY}`, tool_args: { api_key: 'abc123', to: 'bob@example.com' } },
    });
    const totals: RedactionCounts = { email: 5 };
    const out = redactEvent(e, new Redactor({ rules: BUILTIN_RULES }), totals);
    expect(out).toEqual({
      ...e,
      sessionId: '[REDACTED:email]',
      agentId: 'agent at [REDACTED:ip_address]',
      payload: {
        prompt: 'use [REDACTED:openai_key]',
        tool_args: { api_key: '[REDACTED:secret_field]', to: '[REDACTED:email]' },
        [REDACTIONS_FIELD]: { email: 2, ip_address: 1, openai_key: 1, secret_field: 1 },
      },
    });
    expect(totals).toEqual({ email: 7, ip_address: 1, openai_key: 1, secret_field: 1 });
    expect(JSON.stringify(out)).not.toContain('abc123');
  });

  it('never touches the identity and time fields, even when they look like personal data', () => {
    const e = event({ id: '192.168.0.1-x-tool_call', traceId: '192.168.0.1', timestamp: '+1 415 555 2671', payload: { note: 'a@b.example.com' } });
    const out = redactEvent(e, new Redactor({ rules: BUILTIN_RULES }));
    expect([out.id, out.type, out.traceId, out.spanId, out.parentSpanId, out.timestamp]).toEqual([e.id, e.type, e.traceId, e.spanId, e.parentSpanId, e.timestamp]);
  });

  it('redacts a shared resource once, and counts it in every event that carries it', () => {
    const redactor = new Redactor({ rules: BUILTIN_RULES });
    const resource = { 'service.name': 'agent', 'host.ip': '203.0.113.5' };
    const first = redactEvent(event({ resource }), redactor);
    const second = redactEvent(event({ resource }), redactor);
    expect(first.resource).toEqual({ 'service.name': 'agent', 'host.ip': '[REDACTED:ip_address]' });
    expect(second.resource).toBe(first.resource);
    expect(second.payload[REDACTIONS_FIELD]).toEqual({ ip_address: 1 });
  });

  it('is idempotent: a redacted event comes back as is', () => {
    const redactor = new Redactor({ rules: BUILTIN_RULES });
    const once = redactEvent(event({ payload: { prompt: 'mail bob@example.com' } }), redactor);
    const totals: RedactionCounts = {};
    expect(redactEvent(once, redactor, totals)).toBe(once);
    expect(totals).toEqual({});
  });

  it('adds to counts an earlier pass left in the payload', () => {
    const e = event({ payload: { prompt: 'mail bob@example.com', [REDACTIONS_FIELD]: { email: 1, jwt: 2 } } });
    const out = redactEvent(e, new Redactor({ rules: BUILTIN_RULES }));
    expect(out.payload[REDACTIONS_FIELD]).toEqual({ email: 2, jwt: 2 });
  });
});
