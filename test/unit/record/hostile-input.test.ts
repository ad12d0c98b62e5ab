import { describe, expect } from 'vitest';
import { withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import { auditNow } from '../../../src/model/clock.js';
import { toSafeJson } from '../../../src/model/safe-json.js';
import { it } from '../../support/audit-test.js';

/** The limit comes from each span's recording policy; here, the default's. */
const LIMIT = 16_384;

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy; // every read of it throws
}

describe('toSafeJson', () => {
  it('never throws, even where asking whether a value is an Error throws', () => {
    const prototypeThrows = new Proxy({}, { getPrototypeOf: () => { throw new Error('no prototype'); } });
    expect(() => toSafeJson(revoked(), LIMIT)).not.toThrow();
    expect(typeof toSafeJson(revoked(), LIMIT)).toBe('string');
    expect(toSafeJson(prototypeThrows, LIMIT)).toBe('{}');
  });
});

describe('recording helpers with hostile input', () => {
  it('runs the tool and records its span when the arguments and attributes cannot be read', ({ tracing }) => {
    const result = withToolCall('t', revoked(), () => 'ran', { attributes: revoked() as never });
    expect(result).toBe('ran');
    expect(tracing.memory.getFinishedSpans().map((s) => s.name)).toEqual(['execute_tool t']);
  });

  it('returns a result whose `then` getter throws as a value, and ends the span', ({ tracing }) => {
    const odd = Object.defineProperty({}, 'then', { get: () => { throw new Error('no then'); } });
    expect(withToolCall('t', {}, () => odd)).toBe(odd);
    expect(tracing.memory.getFinishedSpans()).toHaveLength(1);
  });

  it('records a session whose attributes cannot be read', ({ tracing }) => {
    expect(withSession({ agentName: 'a', attributes: revoked() as never }, () => 1)).toBe(1);
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.agent.name']).toBe('a');
  });

  it('ignores a completion that cannot be read instead of throwing from setCompletion', ({ tracing }) => {
    expect(withLLMCall({ model: 'm' }, (call) => (call.setCompletion(revoked()), 'ok'))).toBe('ok');
  });

  it('serialises values JSON has no text for without throwing', () => {
    const noText = { toJSON: () => undefined, toString: () => { throw new Error('nope'); } };
    expect(toSafeJson(noText, LIMIT)).toBe('[object]');
    const shared = { id: 1 };
    expect(toSafeJson({ a: shared, b: shared }, LIMIT)).toBe('{"a":{"id":1},"b":{"id":1}}');
  });
});

describe('auditNow', () => {
  it('tells wall-clock time with sub-millisecond resolution and never goes back within a burst', () => {
    const times = Array.from({ length: 1000 }, () => auditNow());
    // Read the wall clock now, not after the 1000 assertions below (slow on a loaded machine).
    const wall = Date.now();
    const nanos = times.map(([s, n]) => s * 1e9 + n);
    for (let i = 1; i < nanos.length; i++) expect(nanos[i]).toBeGreaterThanOrEqual(nanos[i - 1]!);
    const [seconds, ns] = times[times.length - 1]!;
    expect(Math.abs(seconds * 1000 + ns / 1e6 - wall)).toBeLessThan(50);
    expect(ns).toBeLessThan(1e9);
  });
});
