/**
 * A processor with no backends sends nothing, so it must not mark a
 * session's start as sent: the spans go on to the app's own exporter (to a
 * Collector, a gateway), and whatever converts them there must still emit
 * the session's `session.start` (issue 15).
 */
import { describe, expect } from 'vitest';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { auditSpanProcessor, jsonlFile, withSession, withToolCall } from '../../../src/index.js';
import { AUDIT_SESSION_START_EXPORTED } from '../../../src/model/attributes.js';
import { it } from '../../support/audit-test.js';

const customNames = (spansEvents: ReturnType<typeof toAuditEvents>): unknown[] =>
  spansEvents.filter((e) => e.type === 'custom').map((e) => e.payload['name']);

describe('session.start with no backends', () => {
  it('is left to whoever converts the spans downstream', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);

    await withSession({ agentName: 'stamp-only' }, () => withToolCall('lookup', { id: 1 }, () => 'ok'));

    const root = tracing.memory.getFinishedSpans().find((span) => span.parentSpanContext === undefined)!;
    expect(root.attributes[AUDIT_SESSION_START_EXPORTED]).toBeUndefined();
    expect(customNames(toAuditEvents(tracing.memory.getFinishedSpans()))).toEqual(['session.start', 'session.end']);
  });

  it('is marked sent when a backend took it at the session’s start, and not emitted again from the spans', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })] })]);

    await withSession({ agentName: 'sending' }, () => withToolCall('lookup', { id: 1 }, () => 'ok'));

    const root = tracing.memory.getFinishedSpans().find((span) => span.parentSpanContext === undefined)!;
    expect(root.attributes[AUDIT_SESSION_START_EXPORTED]).toBe(true);
    expect(customNames(toAuditEvents(tracing.memory.getFinishedSpans()))).toEqual(['session.end']);
  });
});
