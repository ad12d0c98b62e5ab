/**
 * The registry of live pipelines' recording policies: what spans no audit
 * processor saw start follow, and what a processor compares with to skip
 * its stamp. `strictest()` runs for every span, so it must be the registered
 * object itself whenever every pipeline says the same.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LiveRecordingPolicies, type RecordingPolicy } from '../../../src/model/recording-policy.js';
import type { ToolGate } from '../../../src/model/tool-gate.js';

const policy = (captureContent: boolean, maxContentLength = 100, toolGate?: ToolGate): RecordingPolicy => ({ captureContent, maxContentLength, toolGate });
const gate = (failMode: 'open' | 'closed') => ({ failMode, timeoutMillis: 1000, backend: {} }) as unknown as ToolGate;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('LiveRecordingPolicies', () => {
  it('has no strictest policy while no pipeline counts', () => {
    expect(new LiveRecordingPolicies().strictest()).toBeUndefined();
  });

  it('answers with the registered object itself while one pipeline counts', () => {
    const live = new LiveRecordingPolicies();
    const only = policy(false);
    expect(live.add({}, only)).toBe(only);
    expect(live.strictest()).toBe(only);
  });

  it('hands pipelines with the same settings one shared object, which is then the strictest', () => {
    const live = new LiveRecordingPolicies();
    const first = live.add({}, policy(true));
    const second = live.add({}, policy(true));
    expect(second).toBe(first);
    expect(live.strictest()).toBe(first);
  });

  it('combines policies that differ into a new object, and is the remaining one again once the other is removed', () => {
    const live = new LiveRecordingPolicies();
    const owner = {};
    const lax = live.add({}, policy(true, 100));
    const strict = live.add(owner, policy(false, 50, gate('closed')));
    expect(live.strictest()).toEqual(strict);
    expect(live.strictest()).not.toBe(strict); // so no processor takes it for its own and skips its stamp
    live.remove(owner);
    expect(live.strictest()).toBe(lax);
  });

  it('takes an owner’s second registration in place of its first', () => {
    const live = new LiveRecordingPolicies();
    const owner = {};
    live.add(owner, policy(false));
    const now = live.add(owner, policy(true));
    expect([live.size, live.strictest()]).toEqual([1, now]);
  });

  it('stops counting an owner dropped without remove() once it is garbage-collected', async () => {
    const live = new LiveRecordingPolicies();
    const owner = {};
    const kept = live.add(owner, policy(true));
    live.add({}, policy(false)); // this owner is unreachable at once
    for (let i = 0; i < 10 && live.size > 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect([live.size, live.strictest()]).toEqual([1, kept]);
    live.remove(owner);
  });
});
