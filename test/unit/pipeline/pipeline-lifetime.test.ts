/**
 * How long a pipeline's recording policy holds. A processor shut down on its
 * own keeps its content settings on the spans its provider still starts
 * (shutting down must not let content reach the exporters beside it), while
 * its tool gate ends with it; a pipeline dropped without shutdown is not
 * kept alive by the process-wide registry, and stops counting once it is
 * garbage-collected.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect } from 'vitest';
import { AuditSpanExporter, auditSpanProcessor, isAuditBlockedError, withToolCall } from '../../../src/index.js';
import { liveRecordingPolicies } from '../../../src/model/recording-policy.js';
import { it } from '../../support/audit-test.js';
import { blockingBackend, discardBackend } from '../../support/gate-backends.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const discard = discardBackend;
const blocker = blockingBackend;

/**
 * Collects garbage a few times, then says how many of `refs` are still
 * alive. (Not read in between: a `deref()` keeps its target alive for a while.)
 */
async function aliveAfterGc(refs: WeakRef<object>[]): Promise<number> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 10)); // for the finalizers of the last round
  return refs.filter((r) => r.deref() !== undefined).length;
}

describe('a capture-off audit processor shut down while its provider runs on', () => {
  it('still keeps content off the spans its provider starts, from the other exporters too', async ({ install }) => {
    const audit = auditSpanProcessor({ backends: [discard()], captureContent: false });
    const tracing = install.tracing([audit]);
    await audit.shutdown();
    withToolCall('lookup', { ssn: '123-45-6789' }, () => 'row');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it('ends its own tool gate: the gate asks a backend that shut down with it', async ({ install }) => {
    const audit = auditSpanProcessor({ backends: [discard()], captureContent: false, toolDecision: { backend: blocker, failMode: 'closed' } });
    const tracing = install.tracing([audit]);
    await audit.shutdown();
    expect(await withToolCall('lookup', { id: 1 }, () => 'ran')).toBe('ran');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined(); // content stays off
  });

  it('combines with a live gated processor on the same provider, whose gate still decides', async ({ install }) => {
    const contentOff = auditSpanProcessor({ backends: [discard()], captureContent: false });
    const gated = auditSpanProcessor({ backends: [discard()], toolDecision: { backend: blocker, failMode: 'closed' } });
    const tracing = install.tracing([contentOff, gated]);
    await contentOff.shutdown(); // the gated one alone is live now, and skips its stamp
    let ran = false;
    const outcome = await Promise.resolve(withToolCall('wire_money', { to: 'x' }, () => (ran = true))).catch((e: unknown) => e);
    expect({ ran, blocked: isAuditBlockedError(outcome) }).toEqual({ ran: false, blocked: true });
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });
});

describe('a pipeline dropped without shutdown', () => {
  it('an AuditSpanExporter can be garbage-collected, and its policy stops counting', async () => {
    const before = liveRecordingPolicies().size;
    const refs = [0, 1, 2].map(() => new WeakRef(new AuditSpanExporter({ backends: [discard()], captureContent: false })));
    expect(await aliveAfterGc(refs)).toBe(0);
    expect(liveRecordingPolicies().size).toBe(before);
  });

  it('an auditSpanProcessor (never attached) can be garbage-collected, and its policy stops counting', async () => {
    const before = liveRecordingPolicies().size;
    const refs = [0, 1, 2].map(() => new WeakRef(auditSpanProcessor({ backends: [discard()], toolDecision: { backend: blocker, failMode: 'closed' } })));
    expect(await aliveAfterGc(refs)).toBe(0);
    expect(liveRecordingPolicies().size).toBe(before);
  });
});
