/**
 * A pipeline whose construction throws (an invalid option) must leave no
 * recording policy live: the caller never got an object to shut down, and a
 * phantom policy would gate tools or withhold content on every span no
 * audit processor stamps, for the rest of the process.
 */
import { describe, expect } from 'vitest';
import { AuditSpanExporter, auditSpanProcessor, isAuditBlockedError, withToolCall, type AuditBackend } from '../../../src/index.js';
import { liveRecordingPolicies } from '../../../src/model/recording-policy.js';
import { it } from '../../support/audit-test.js';
import { blockingBackend, discardBackend } from '../../support/gate-backends.js';

const discard = discardBackend;
const blocker = blockingBackend;

describe('a pipeline whose construction threw', () => {
  it('auditSpanProcessor with an invalid unfinishedCallTimeoutMillis leaves no tool gate behind', async ({ install }) => {
    const before = liveRecordingPolicies().size;
    expect(() => auditSpanProcessor({ backends: [discard()], toolDecision: { backend: blocker, failMode: 'closed' }, unfinishedCallTimeoutMillis: -1 })).toThrow(
      /unfinishedCallTimeoutMillis/,
    );
    expect(liveRecordingPolicies().size).toBe(before);
    install.tracing(); // the app's own provider, no audit pipeline at all
    let ran = false;
    const outcome = await Promise.resolve(withToolCall('wire_money', {}, () => (ran = true))).catch((e: unknown) => e);
    expect({ ran, blocked: isAuditBlockedError(outcome) }).toEqual({ ran: true, blocked: false });
  });

  it('auditSpanProcessor with an invalid maxSpanQueueSize leaves no content-off policy behind (its exporter is never built)', ({ install }) => {
    const before = liveRecordingPolicies().size;
    expect(() => auditSpanProcessor({ backends: [discard()], captureContent: false, maxSpanQueueSize: -5 })).toThrow(/maxSpanQueueSize/);
    expect(liveRecordingPolicies().size).toBe(before);
    const tracing = install.tracing();
    withToolCall('lookup', { id: 1 }, () => 'row');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('{"id":1}');
  });

  it('AuditSpanExporter whose backends threw leaves no content-off policy behind', ({ install }) => {
    const before = liveRecordingPolicies().size;
    expect(() => new AuditSpanExporter({ captureContent: false, maxContentLength: 3, backends: {} as unknown as AuditBackend[] })).toThrow();
    expect(liveRecordingPolicies().size).toBe(before);
    const tracing = install.tracing();
    withToolCall('lookup', 'abcdef', () => 'row');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('abcdef');
  });
});
