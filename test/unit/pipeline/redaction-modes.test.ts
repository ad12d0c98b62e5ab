/**
 * Redaction modes end to end: spans made by the recording helpers, through
 * the audit processor and its exporter, to what a backend receives. Mask
 * mode (the default) writes `[REDACTED:<rule>]`; hash mode a keyed token
 * `[REDACTED:<rule>:<16 hex>]`, the same for the same secret and key, so
 * events can be joined on it without the secret. Every event says what was
 * redacted from it (`audit.redactions`), and `stats().redactions` sums it.
 * The event a tool gate puts to its deciding backend is redacted as well.
 */
import { createHmac } from 'node:crypto';
import { describe, expect } from 'vitest';
import { auditSpanProcessor, secureagentics, withLLMCall, withToolCall, type AuditEvent } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { recordingBackend } from '../../support/recording-backend.js';
import { FAST_RETRY } from '../../support/tracing.js';

/** Fake secrets, assembled from pieces so no scanner takes this file for a leak. */
const KEY = 'sk-' + 'proj-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE' + 'yU2iO4pA';
const OTHER_KEY = 'sk-' + 'proj-' + 'Lm3nB8vC1xZ6aS9dF4gH7jK2qW5eR0tY' + 'pO8iU6yT';
const EMAIL = 'bob.' + 'jones@example.com';

/** The hash-mode token of `secret` under `key`: the first 16 hex of HMAC-SHA-256. */
function token(rule: string, key: string, secret: string): string {
  return `[REDACTED:${rule}:${createHmac('sha256', key).update(secret).digest('hex').slice(0, 16)}]`;
}

/** One tool call and one model call, each carrying `KEY` in its content. */
async function agentRun(): Promise<void> {
  await withToolCall('lookup', { note: `use ${KEY}`, contact: EMAIL }, () => ({ echoed: KEY }));
  await withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', prompt: `my key is ${KEY}` }, (call) => {
    call.setCompletion(`noted: ${KEY}`);
    return 'ok';
  });
}

function ofType(events: AuditEvent[], type: AuditEvent['type']): AuditEvent {
  const found = events.filter((e) => e.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} event, got ${found.length}`);
  return found[0]!;
}

/** The per-rule counts of all `events`' `audit.redactions`, added up. */
function summed(events: AuditEvent[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const event of events) {
    const counts = (event.payload['audit.redactions'] ?? {}) as Record<string, number>;
    for (const [rule, n] of Object.entries(counts)) total[rule] = (total[rule] ?? 0) + n;
  }
  return total;
}

describe('hash mode', () => {
  it('replaces each secret by [REDACTED:<rule>:<16 hex HMAC>], the same token in every event, and the text is gone', async ({ install }) => {
    const backend = recordingBackend();
    const { processor } = install.backends([backend], { redaction: { mode: 'hash', hashKey: 'k1' } });
    await agentRun();
    await processor.forceFlush();

    const events = backend.events();
    const tool = ofType(events, 'tool_call');
    const prompt = ofType(events, 'prompt');
    const completion = ofType(events, 'completion');
    const keyToken = token('openai_key', 'k1', KEY);
    expect(keyToken).toMatch(/^\[REDACTED:openai_key:[0-9a-f]{16}\]$/);
    expect(tool.payload['arguments']).toEqual({ note: `use ${keyToken}`, contact: token('email', 'k1', EMAIL) });
    expect(tool.payload['result']).toEqual({ echoed: keyToken });
    expect(prompt.payload['prompt']).toBe(`user: my key is ${keyToken}`);
    expect(completion.payload['response']).toBe(`noted: ${keyToken}`);
    const text = JSON.stringify(events);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE'); // nor any part of the key long enough to matter
  });

  it('different secrets get different tokens; another hash key gives another token for the same secret', async ({ install }) => {
    const k1 = recordingBackend();
    const k2 = recordingBackend();
    const first = auditSpanProcessor({ backends: [k1], ...FAST_RETRY, redaction: { mode: 'hash', hashKey: 'k1' } });
    const second = auditSpanProcessor({ backends: [k2], ...FAST_RETRY, redaction: { mode: 'hash', hashKey: 'k2' } });
    install.tracing([first, second]);
    await withToolCall('pair', { a: KEY, b: OTHER_KEY }, () => undefined);
    await first.forceFlush();
    await second.forceFlush();

    const one = ofType(k1.events(), 'tool_call').payload['arguments'] as Record<string, string>;
    const two = ofType(k2.events(), 'tool_call').payload['arguments'] as Record<string, string>;
    expect(one).toEqual({ a: token('openai_key', 'k1', KEY), b: token('openai_key', 'k1', OTHER_KEY) });
    expect(two).toEqual({ a: token('openai_key', 'k2', KEY), b: token('openai_key', 'k2', OTHER_KEY) });
    expect(one['a']).not.toBe(one['b']);
    expect(one['a']).not.toBe(two['a']);
  });
});

describe('mask mode (the default)', () => {
  it('replaces each secret by [REDACTED:<rule>], with no hash', async ({ install }) => {
    const backend = recordingBackend();
    const { processor } = install.backends([backend]);
    await agentRun();
    await processor.forceFlush();

    const tool = ofType(backend.events(), 'tool_call');
    expect(tool.payload['arguments']).toEqual({ note: 'use [REDACTED:openai_key]', contact: '[REDACTED:email]' });
    expect(ofType(backend.events(), 'completion').payload['response']).toBe('noted: [REDACTED:openai_key]');
    expect(JSON.stringify(backend.events())).not.toContain(KEY);
  });
});

describe('redaction counts', () => {
  it('each event counts what was redacted from it, per rule; an event with nothing to redact carries no counts', async ({ install }) => {
    const backend = recordingBackend();
    const { processor } = install.backends([backend], { redaction: { mode: 'hash', hashKey: 'k1' } });
    await agentRun();
    await withToolCall('clean', { city: 'Paris' }, () => 'sunny');
    await processor.forceFlush();

    const events = backend.events();
    const tools = events.filter((e) => e.type === 'tool_call');
    // The key in its arguments and in its result, the address in its arguments.
    expect(tools.find((e) => e.payload['tool_name'] === 'lookup')!.payload['audit.redactions']).toEqual({ openai_key: 2, email: 1 });
    expect(tools.find((e) => e.payload['tool_name'] === 'clean')!.payload).not.toHaveProperty('audit.redactions');
    // The text is in the event twice (`response` and `messages`), and counted as sent.
    expect(ofType(events, 'completion').payload['audit.redactions']).toEqual({ openai_key: 2 });
    expect(ofType(events, 'prompt').payload['audit.redactions']).toEqual({ openai_key: 2 });
  });

  it('stats().redactions is the sum of the events\' counts', async ({ install }) => {
    const backend = recordingBackend();
    const { processor } = install.backends([backend]);
    await agentRun();
    await withToolCall('second', { again: KEY }, () => undefined);
    await processor.forceFlush();

    const redactions = processor.stats().redactions;
    expect(redactions).toEqual(summed(backend.events()));
    expect(redactions?.['email']).toBe(1);
    expect(redactions?.['openai_key']).toBe(7); // tool call 2, prompt 2, completion 2, second tool call 1
  });
});

describe('redaction: false', () => {
  it('leaves the text as it is, adds no counts to events, and stats() has no redactions', async ({ install }) => {
    const backend = recordingBackend();
    const { processor } = install.backends([backend], { redaction: false });
    await agentRun();
    await processor.forceFlush();

    const events = backend.events();
    expect(ofType(events, 'tool_call').payload['arguments']).toEqual({ note: `use ${KEY}`, contact: EMAIL });
    expect(ofType(events, 'completion').payload['response']).toBe(`noted: ${KEY}`);
    expect(events.every((e) => !('audit.redactions' in e.payload))).toBe(true);
    expect(processor.stats()).not.toHaveProperty('redactions');
  });
});

describe('the tool gate', () => {
  it('puts the redacted event to its deciding backend: its POST carries no planted key, and the same token as the trail', async ({ install, secureagenticsServer: server }) => {
    const deciding = secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'gate-bot' });
    const backend = recordingBackend();
    const processor = auditSpanProcessor({
      backends: [backend],
      ...FAST_RETRY,
      redaction: { mode: 'hash', hashKey: 'gate-key' },
      toolDecision: { backend: deciding, failMode: 'open' },
    });
    const tracing = install.tracing([processor]);
    let ran = 0;
    await withToolCall('store_secret', { value: `the key is ${KEY}` }, () => ++ran);
    await processor.forceFlush();

    expect(ran).toBe(1);
    // The verdict came from the server: the request was made, not given up.
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['audit.decision']).toBe('allow');
    const gatePosts = server.requests.filter((r) => r.method === 'POST' && /\/events$/.test(r.path));
    expect(gatePosts).toHaveLength(1);
    const keyToken = token('openai_key', 'gate-key', KEY);
    expect(gatePosts[0]!.rawBody).toContain(JSON.stringify(`the key is ${keyToken}`));
    for (const request of server.requests) expect(request.rawBody).not.toContain(KEY);
    // What the trail got is the same redaction.
    expect(ofType(backend.events(), 'tool_call').payload['arguments']).toEqual({ value: `the key is ${keyToken}` });
    // The gate's event is counted with the rest.
    expect(processor.stats().redactions?.['openai_key']).toBe(2);
  });
});
