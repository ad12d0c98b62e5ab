/**
 * Every recording helper given input of the wrong type or that cannot be
 * read: the agent's function still runs and its value or exception comes
 * back unchanged, the span is recorded with what could be read, and what
 * could not is marked by an `audit.recording.problem` event.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import {
  recordError,
  recordEvent,
  recordPermissionCheck,
  toAuditEvents,
  withLLMCall,
  withSession,
  withToolCall,
  type LLMCallHandle,
  type LLMCallOptions,
  type PermissionCheck,
  type SessionOptions,
  type ToolCallOptions,
} from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy; // every read of it throws
}

/** An object whose every property read throws. */
function throwingReads(): object {
  return new Proxy({}, { get: () => { throw new Error('trap'); } });
}

/** `{field, problem}` of each problem event of `span`. */
function problems(span: ReadableSpan): Array<{ helper: string; field: string; problem: string }> {
  return span.events
    .filter((e) => e.name === 'audit.recording.problem')
    .map((e) => JSON.parse(e.attributes!['audit.event.payload'] as string) as { helper: string; field: string; problem: string });
}

const problemFields = (span: ReadableSpan): string[] => problems(span).map((p) => p.field);

describe('the first problem of a kind', () => {
  it('is said once through diag, however often it happens', ({ tracing, diagnostics }) => {
    for (let i = 0; i < 3; i++) withToolCall('t', {}, () => i, null as unknown as ToolCallOptions);
    expect(diagnostics.warnings.filter((w) => w.includes('withToolCall') && w.includes('options'))).toHaveLength(1);
    expect(tracing.memory.getFinishedSpans().every((s) => problemFields(s).includes('options'))).toBe(true);
  });
});

const oddLLMOptions: Array<[string, unknown, string[]]> = [
  ['undefined options', undefined, ['model']],
  ['null options', null, ['options', 'model']],
  ['a number as options', 42, ['options', 'model']],
  ['options whose every read throws', throwingReads(), ['model', 'provider', 'operation', 'parameters', 'attributes', 'messages', 'prompt', 'system']],
  ['an object as model', { model: { name: 'gpt' } }, ['model']],
  ['a symbol as model', { model: Symbol('m') }, ['model']],
  ['a number as messages', { model: 'm', messages: 42 }, ['messages']],
  ['an object as messages', { model: 'm', messages: { role: 'user', content: 'hi' } }, ['messages']],
  ['a revoked proxy as messages', { model: 'm', messages: revoked() }, ['messages']],
  ['entries of messages that are not messages', { model: 'm', messages: ['hi', 42, null] }, ['messages']],
  ['an object as provider and operation', { model: 'm', provider: {}, operation: [] }, ['provider', 'operation']],
  ['a number as parameters', { model: 'm', parameters: 7 }, ['parameters']],
  ['parameters that are not attribute values', { model: 'm', parameters: { temperature: 0.1, nested: { a: 1 } } }, ['parameters']],
  ['a revoked proxy as attributes', { model: 'm', attributes: revoked() }, ['attributes']],
  ['an object as prompt and a number as system', { model: 'm', prompt: {}, system: 5 }, ['prompt']],
];

describe('withLLMCall with odd options', () => {
  it.for(oddLLMOptions)('runs the call and returns its value for %s', ([, options, fields], { tracing }) => {
    const value = { answer: 42 };
    expect(withLLMCall(options as LLMCallOptions, () => value)).toBe(value);
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.ended).toBe(true);
    expect(span!.attributes['gen_ai.operation.name']).toBe('chat');
    expect(problemFields(span!)).toEqual(expect.arrayContaining(fields));
  });

  it.for(oddLLMOptions)('re-throws the rejection of the call unchanged for %s', async ([, options], { tracing }) => {
    const failure = new Error('model down');
    await expect(withLLMCall(options as LLMCallOptions, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(tracing.memory.getFinishedSpans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records the messages it can read and marks the ones it cannot', ({ tracing }) => {
    const unreadable = { get role(): string { throw new Error('getter'); } };
    withLLMCall({ model: 'm', messages: [{ role: 'user', content: 'hi' }, unreadable, 42] }, () => 'ok');
    const [span] = tracing.memory.getFinishedSpans();
    expect(JSON.parse(span!.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(problems(span!).map((p) => p.problem)).toEqual([expect.stringMatching(/entry 1.*threw Error/), expect.stringMatching(/entry 2.*a number/)]);
  });

  it('keeps the valid parameters and the model of options whose other fields are odd', ({ tracing }) => {
    withLLMCall({ model: 'gpt-4o', parameters: { temperature: 0.2, nested: { a: 1 } }, messages: 42 } as unknown as LLMCallOptions, () => 1);
    expect(tracing.memory.getFinishedSpans()[0]!.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.temperature': 0.2 });
    expect(tracing.memory.getFinishedSpans()[0]!.name).toBe('chat gpt-4o');
  });
});

const oddHandleCalls: Array<[string, (call: LLMCallHandle) => void]> = [
  ['setCompletion with a number', (call) => call.setCompletion(42)],
  ['setCompletion with a revoked proxy', (call) => call.setCompletion(revoked())],
  ['setUsage with null', (call) => call.setUsage(null as never)],
  ['setUsage whose reads throw', (call) => call.setUsage(throwingReads() as never)],
  ['setUsage with text counts', (call) => call.setUsage({ inputTokens: '12' as unknown as number })],
  ['setFinishReasons with a number', (call) => call.setFinishReasons(42 as never)],
  ['setFinishReasons with null', (call) => call.setFinishReasons(null as never)],
  ['setResponseModel with an object', (call) => call.setResponseModel({} as never)],
  ['setResponseId with a revoked proxy', (call) => call.setResponseId(revoked() as never)],
];

describe('the withLLMCall handle with odd input', () => {
  it.for(oddHandleCalls)('never throws from %s, and the call returns its value', ([, use], { tracing }) => {
    expect(withLLMCall({ model: 'm' }, (call) => (use(call), 'ok'))).toBe('ok');
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(problems(span!).length).toBeGreaterThan(0);
  });
});

const oddToolCalls: Array<[string, unknown, unknown, string[]]> = [
  ['an object as name', { name: 'search' }, {}, ['name']],
  ['a symbol as name', Symbol('search'), {}, ['name']],
  ['undefined as name', undefined, {}, ['name']],
  ['a revoked proxy as name', revoked(), {}, ['name']],
  ['null options', 'search', null, ['options']],
  ['a number as options', 'search', 7, ['options']],
  ['options whose every read throws', 'search', throwingReads(), ['decision', 'callId', 'type', 'description', 'attributes']],
  ['objects as callId, type and description', 'search', { callId: {}, type: [], description: () => 1 }, ['callId', 'type', 'description']],
  ['a number as attributes', 'search', { attributes: 5 }, ['attributes']],
];

describe('withToolCall with odd input', () => {
  it.for(oddToolCalls)('runs the tool and returns its value for %s', ([, name, options, fields], { tracing }) => {
    const value = ['row'];
    expect(withToolCall(name as string, { q: 1 }, () => value, options as ToolCallOptions)).toBe(value);
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.attributes['gen_ai.tool.call.arguments']).toBe('{"q":1}');
    expect(problemFields(span!)).toEqual(expect.arrayContaining(fields));
  });

  it.for(oddToolCalls)('re-throws the tool\'s exception unchanged for %s', ([, name, options], { tracing }) => {
    const failure = new Error('tool down');
    expect(() => withToolCall(name as string, {}, () => { throw failure; }, options as ToolCallOptions)).toThrow(failure);
    expect(tracing.memory.getFinishedSpans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records a primitive name as text', ({ tracing }) => {
    withToolCall(42 as unknown as string, {}, () => 1);
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.name']).toBe('42');
    expect(tracing.memory.getFinishedSpans()[0]!.name).toBe('execute_tool 42');
  });
});

describe('a helper given something other than a function to run', () => {
  const helpers: Array<[string, (fn: never) => unknown]> = [
    ['withLLMCall', (fn) => withLLMCall({ model: 'm' }, fn)],
    ['withToolCall', (fn) => withToolCall('t', {}, fn)],
    ['withSession', (fn) => withSession({}, fn)],
  ];
  it.for(helpers)('%s throws a TypeError naming itself, recorded on its ended span', ([helper, run], { tracing }) => {
    expect(() => run(42 as never)).toThrow(new RegExp(`^${helper}: .*a number, not a function`));
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.ended).toBe(true);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  });
});

const oddSessions: Array<[string, unknown, string[]]> = [
  ['null options', null, ['options']],
  ['a string as options', 'bot', ['options']],
  ['options whose every read throws', throwingReads(), ['sessionId', 'agentName', 'agentId', 'attributes']],
  ['objects as identity', { sessionId: {}, agentName: [], agentId: () => 1 }, ['sessionId', 'agentName', 'agentId']],
];

describe('withSession with odd options', () => {
  it.for(oddSessions)('runs the session and returns its value for %s', ([, options, fields], { tracing }) => {
    expect(withSession(options as SessionOptions, (s) => s.agentName)).toBe('agent');
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.attributes).toMatchObject({ 'gen_ai.agent.name': 'agent', 'audit.session.root': true });
    expect(span!.attributes['gen_ai.conversation.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(problemFields(span!)).toEqual(expect.arrayContaining(fields));
  });

  it('records a numeric session id as text', ({ tracing }) => {
    withSession({ sessionId: 7 as unknown as string }, () => undefined);
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.conversation.id']).toBe('7');
  });
});

describe('recordError with a value that cannot be read', () => {
  it.for([
    ['a revoked proxy', revoked()],
    ['an object whose message getter throws', { get message(): string { throw new Error('no message'); } }],
  ] as Array<[string, unknown]>)('records an error event saying %s could not be read', ([, error], { tracing }) => {
    withToolCall('t', {}, () => recordError(error));
    const [span] = tracing.memory.getFinishedSpans();
    const exception = span!.events.find((e) => e.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': '_OTHER', 'audit.recorded': true });
    expect(exception?.attributes?.['exception.message']).toMatch(/^the recorded error could not be read/);
    expect(toAuditEvents([span!]).find((e) => e.type === 'error')?.payload).toMatchObject({ handled: true, message: expect.stringMatching(/could not be read/) });
  });

  it('records the error even when its attributes cannot be read', ({ tracing }) => {
    withToolCall('t', {}, () => recordError(new Error('declined'), revoked() as never));
    const [span] = tracing.memory.getFinishedSpans();
    expect(span!.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe('declined');
    expect(problemFields(span!)).toEqual(['attributes']);
  });
});

describe('recordEvent and recordPermissionCheck with odd input', () => {
  it.for([
    ['a symbol', Symbol('handoff')],
    ['an object', { name: 'handoff' }],
    ['a revoked proxy', revoked()],
    ['undefined', undefined],
  ] as Array<[string, unknown]>)('records the event under a stand-in name when the name is %s', ([, name], { tracing }) => {
    withToolCall('t', {}, () => recordEvent(name as string, { to: 'billing' }));
    const [span] = tracing.memory.getFinishedSpans();
    const event = span!.events.find((e) => e.name === 'unnamed');
    expect(event?.attributes?.['audit.event.payload']).toBe('{"to":"billing"}');
    expect(problemFields(span!)).toEqual(['name']);
  });

  it('records a permission check that is not an object as not granted, and marks it', ({ tracing }) => {
    withToolCall('t', {}, () => recordPermissionCheck(null as unknown as PermissionCheck));
    const [span] = tracing.memory.getFinishedSpans();
    const custom = toAuditEvents([span!]).filter((e) => e.type === 'custom');
    expect(custom[0]?.payload).toEqual({ name: 'permission_check', data: { scope: 'unknown', allowed: false } });
    expect(problemFields(span!)).toEqual(expect.arrayContaining(['check']));
  });
});

describe('tool arguments and results that are partly unreadable or too long', () => {
  it('records the readable members of arguments whose one getter throws', ({ tracing }) => {
    const args = { city: 'Paris', get token(): string { throw new Error('no access'); } };
    withToolCall('weather', args, () => 'sunny');
    expect(JSON.parse(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments'] as string)).toEqual({
      city: 'Paris',
      token: "[unreadable property 'token': no access]",
    });
  });

  it('keeps a long object result an object, its small members whole, within the content limit', ({ tracing }) => {
    const LIMIT = 16_384; // DEFAULTS.maxContentLength
    withToolCall('fetch_page', { url: 'http://127.0.0.1/page' }, () => ({ status: 200, html: '<p>'.repeat(10_000) }));
    const result = tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.result'] as string;
    expect(result.length).toBeLessThanOrEqual(LIMIT);
    const parsed = JSON.parse(result) as { status: number; html: string };
    expect(parsed.status).toBe(200);
    expect(parsed.html).toMatch(/^(<p>)+<?p?…\[truncated \d+ chars\]$/);
    const event = toAuditEvents(tracing.memory.getFinishedSpans()).find((e) => e.type === 'tool_call');
    expect(event?.payload['result']).toMatchObject({ status: 200 });
  });
});
