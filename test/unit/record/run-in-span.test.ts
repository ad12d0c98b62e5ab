import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import type { Recorded } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `spans`: the spans the test has finished; `only`: the one span it finished (fails unless exactly one). */
const it = base
  .extend('spans', ({ tracing }) => (): ReadableSpan[] => tracing.memory.getFinishedSpans())
  .extend('only', ({ spans }) => (): ReadableSpan => {
    expect(spans()).toHaveLength(1);
    return spans()[0]!;
  });

/** Every public helper runs on the shared run-in-span core; each is called the same way here. */
const helpers = {
  withSession: <T>(fn: () => T): Recorded<T> => withSession({ agentName: 'bot' }, fn),
  withLLMCall: <T>(fn: () => T): Recorded<T> => withLLMCall({ model: 'm' }, fn),
  withToolCall: <T>(fn: () => T): Recorded<T> => withToolCall('tool', { a: 1 }, fn),
};

class QuotaError extends Error {
  override name = 'QuotaError';
}

const thrown: Array<[string, unknown, string, string]> = [
  ['an Error subclass', new QuotaError('over quota'), 'QuotaError', 'over quota'],
  ['a string', 'plain failure', 'Error', 'plain failure'],
  ['a plain object with a name', { name: 'Refusal', message: 'policy' }, 'Refusal', 'policy'],
  ['a plain object without a name', { code: 7 }, '_OTHER', '[object Object]'],
  ['an object whose name getter throws', { get name(): string { throw new Error('x'); }, message: 'unreadable name' }, '_OTHER', 'unreadable name'],
  ['a proxy that throws on every read', hostileProxy(), '_OTHER', 'unknown error'],
];

function hostileProxy(): object {
  const trap = (): never => {
    throw new Error('trap');
  };
  return new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap });
}

function expectFailed(span: ReadableSpan, type: string, message: string): void {
  expect(span.ended).toBe(true);
  expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message });
  expect(span.attributes['error.type']).toBe(type);
  const exception = span.events.find((e) => e.name === 'exception');
  expect(exception?.attributes?.['exception.message']).toBe(message);
}

describe.each(Object.entries(helpers))('%s', (_name, run) => {
  it('returns the value of a sync function and ends the span OK', ({ only }) => {
    const value = { answer: 42 };
    expect(run(() => value)).toBe(value);
    expect(only().ended).toBe(true);
    expect(only().status.code).toBe(SpanStatusCode.UNSET);
  });

  it('returns a promise of the value of an async function and ends the span once it settles', async ({ spans, only }) => {
    const pending = run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return 'done';
    });
    expect(spans()).toHaveLength(0);
    await expect(pending).resolves.toBe('done');
    expect(only().ended).toBe(true);
  });

  // `for`, not `each`: only `for` hands the test its fixtures (after the row).
  it.for(thrown)('re-throws %s thrown synchronously unchanged and marks the span failed', ([_kind, error, type, message], { only }) => {
    let caught: unknown;
    try {
      run(() => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    expectFailed(only(), type, message);
  });

  it.for(thrown)('re-throws %s rejected asynchronously unchanged and marks the span failed', async ([_kind, error, type, message], { only }) => {
    let caught: unknown = 'not rejected';
    // Stored, not returned: resolving with a value reads its `then`, which a hostile proxy throws on.
    await run(async () => Promise.reject(error)).then(undefined, (e: unknown) => {
      caught = e;
    });
    expect(caught).toBe(error);
    expectFailed(only(), type, message);
  });
});

describe('nested helpers', () => {
  it('parents each span on the span active where it was called', async ({ spans }) => {
    await withSession({ agentName: 'bot' }, async () => {
      await withLLMCall({ model: 'm' }, async () => {
        withToolCall('inner', {}, () => 1);
      });
      await withToolCall('sibling', {}, async () => 2);
    });
    const byName = new Map(spans().map((s) => [s.name, s]));
    const root = byName.get('invoke_agent bot')!;
    const llm = byName.get('chat m')!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(llm.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(byName.get('execute_tool inner')!.parentSpanContext?.spanId).toBe(llm.spanContext().spanId);
    expect(byName.get('execute_tool sibling')!.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('keeps the parent span active after an inner helper failed', ({ spans }) => {
    withToolCall('outer', {}, (outer) => {
      expect(() =>
        withToolCall('failing', {}, () => {
          throw new Error('x');
        }),
      ).toThrow('x');
      expect(trace.getActiveSpan()).toBe(outer);
    });
    expect(spans().map((s) => s.name)).toEqual(['execute_tool failing', 'execute_tool outer']);
  });
});
