import { describe, expect, it } from 'vitest';
import { eventJson } from '../../../../src/deliver/spool/event-json.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';

const resource = { 'service.name': 'bot', 'deployment.environment': 'prod "eu"' };
const base: AuditEvent = { id: 'a-b-prompt', type: 'prompt', traceId: 'a', spanId: 'b', timestamp: '2026-12-03T10:00:00.000Z', payload: { prompt: 'héllo\n"quoted"\u2028', n: 1, nested: { list: [1, null, 'x'] } } };

describe('eventJson', () => {
  it.each([
    ['the required fields only', base],
    ['every optional field', { ...base, parentSpanId: 'p', sessionId: 's "1"', agentName: 'bot\\n', agentId: 'agt_1', resource }],
    ['undefined optional fields', { ...base, parentSpanId: undefined, sessionId: undefined, resource: undefined }],
    ['an empty payload', { ...base, payload: {} }],
  ] as Array<[string, AuditEvent]>)('parses to what JSON.stringify gives, with %s', (_, event) => {
    expect(JSON.parse(eventJson(event))).toEqual(JSON.parse(JSON.stringify(event)));
  });

  it('serializes a shared resource once and reuses it, whatever later events carry', () => {
    const shared = { 'service.name': 'bot' };
    const first = eventJson({ ...base, resource: shared });
    const second = eventJson({ ...base, id: 'other', resource: shared });
    expect(JSON.parse(first).resource).toEqual(shared);
    expect(JSON.parse(second)).toMatchObject({ id: 'other', resource: shared });
  });

  it('throws for a payload JSON cannot hold, as JSON.stringify does (the spool then writes a placeholder)', () => {
    expect(() => eventJson({ ...base, payload: { big: 1n } as unknown as AuditEvent['payload'] })).toThrow();
  });
});
