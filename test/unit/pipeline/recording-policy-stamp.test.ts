/**
 * When an audit span processor stamps its recording policy on a span.
 * Unstamped spans follow the strictest live pipeline, so a stamp that says
 * the same is skipped (it would cost every span a property, BENCHMARKS.md);
 * when live policies differ, every processor stamps, because several on one
 * provider combine only through their stamps.
 */
import { trace } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { auditSpanProcessor, jsonlFile, type AuditBackend } from '../../../src/index.js';
import { liveRecordingPolicies, stampedRecordingPolicy } from '../../../src/model/recording-policy.js';
import { it } from '../../support/audit-test.js';

const discard = () => jsonlFile({ path: '/dev/null' });
const decider: AuditBackend = {
  name: 'decider',
  maxBatchSize: 100,
  send: async () => ({ kind: 'delivered' as const }),
  decide: async () => ({ kind: 'allow' as const }),
  shutdown: async () => undefined,
};

/** The stamp on a span started (and ended) on the registered provider. */
function stampOfNewSpan() {
  const span = trace.getTracer('test').startSpan('work');
  span.end();
  return stampedRecordingPolicy(span);
}

describe('the recording policy stamp of auditSpanProcessor', () => {
  it('counts one live policy per processor, its own exporter’s included', async () => {
    const before = liveRecordingPolicies().size;
    const audit = auditSpanProcessor({ backends: [discard()] });
    expect(liveRecordingPolicies().size).toBe(before + 1);
    await audit.shutdown();
    expect(liveRecordingPolicies().size).toBe(before);
  });

  it('is not written while its pipeline is the only one alive', ({ install }) => {
    install.tracing([auditSpanProcessor({ backends: [discard()], captureContent: false })]);
    expect(stampOfNewSpan()).toBeUndefined();
  });

  it('is not written while every live pipeline has the same settings', ({ install }) => {
    const other = auditSpanProcessor({ backends: [discard()], maxContentLength: 64 });
    install.tracing([auditSpanProcessor({ backends: [discard()], maxContentLength: 64 })]);
    expect(stampOfNewSpan()).toBeUndefined();
    return other.shutdown();
  });

  it('is written by each of two processors on one provider that differ, which combine to the strictest in either order', async ({ install }) => {
    for (const order of ['content-off first', 'gate first'] as const) {
      const contentOff = auditSpanProcessor({ backends: [discard()], captureContent: false, maxContentLength: 500 });
      const gated = auditSpanProcessor({ backends: [discard()], maxContentLength: 50, toolDecision: { backend: decider, failMode: 'closed' } });
      const tracing = install.tracing(order === 'content-off first' ? [contentOff, gated] : [gated, contentOff]);
      const stamp = stampOfNewSpan();
      expect({ captureContent: stamp?.captureContent, maxContentLength: stamp?.maxContentLength, failMode: stamp?.toolGate?.failMode }, order).toEqual({
        captureContent: false,
        maxContentLength: 50,
        failMode: 'closed',
      });
      await tracing.close();
    }
  });
});
