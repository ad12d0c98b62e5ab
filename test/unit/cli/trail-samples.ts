// Realistic trails for the show / tail / export tests: two agent sessions
// with the payload fields the converters write, delivered by the real
// backends into the real formats (the jsonl-file backend's file, and the
// receiver's --file trail via the Secureagentics and AgenticAudit backends).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agenticAudit } from '../../../src/backends/agentic-audit/agentic-audit.js';
import { jsonlFile } from '../../../src/backends/jsonl/jsonl-file.js';
import { secureagentics } from '../../../src/backends/secureagentics/secureagentics.js';
import type { AuditEvent, AuditEventType } from '../../../src/model/audit-event.js';
import { startAuditReceiver } from '../../../src/receiver/receiver.js';

export const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
export const SESSION_A = 'sess-support-1';
export const SESSION_B = 'sess-ops-2';
/** Session A starts here; session B five minutes later. */
export const START = Date.UTC(2026, 4, 4, 10, 0, 0, 0);

let spans = 0;

function event(type: AuditEventType, role: string, atMillis: number, session: 'a' | 'b', payload: Record<string, unknown>): AuditEvent {
  const traceId = session === 'a' ? TRACE_A : TRACE_B;
  const spanId = `00f067aa0b${(++spans).toString(16).padStart(6, '0')}`;
  return {
    id: `${traceId}-${spanId}-${role}`,
    type,
    traceId,
    spanId,
    timestamp: new Date(atMillis).toISOString(),
    sessionId: session === 'a' ? SESSION_A : SESSION_B,
    agentName: session === 'a' ? 'support-bot' : 'ops-bot',
    payload,
    resource: { 'service.name': 'demo-support-agent' },
  };
}

const at = (session: 'a' | 'b', millis: number): number => START + (session === 'b' ? 300_000 : 0) + millis;
const gate = (verdict: string, reason?: string) => ({ verdict, backend: 'secureagentics', reason, fail_mode: 'closed' });

/** Session A: a support turn with two tool calls (one fails) and an answer. Session B: a tool the deny list blocks. */
export function sampleEvents(): AuditEvent[] {
  spans = 0;
  return [
    event('custom', 'session.start', at('a', 0), 'a', { name: 'session.start', span_name: 'invoke_agent support-bot' }),
    event('prompt', 'prompt', at('a', 10), 'a', {
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: 'system: You are a support agent.\nuser: Where is order 42?',
      token_count: 27,
    }),
    event('completion', 'completion', at('a', 900), 'a', {
      operation: 'chat',
      model: 'gpt-4o-mini-2026-01-01',
      provider: 'openai',
      finish_reasons: ['tool_calls'],
      token_count: 12,
      usage: { input_tokens: 27, output_tokens: 12 },
      duration_ms: 890,
    }),
    event('tool_call', 'tool_call', at('a', 910), 'a', {
      tool_name: 'lookup_order',
      tool_call_id: 'call_1',
      arguments: { orderId: 42 },
      result: { orderId: 42, status: 'shipped', carrier: 'PostNord' },
      status: 'ok',
      duration_ms: 3,
      decision: gate('allow'),
    }),
    event('tool_call', 'tool_call', at('a', 1000), 'a', {
      tool_name: 'send_sms',
      tool_call_id: 'call_2',
      arguments: { to: '+47 555 01234', text: 'Order 42 has shipped.' },
      status: 'error',
      duration_ms: 3001,
      decision: gate('allow'),
    }),
    event('error', 'error.0', at('a', 4001), 'a', { error_type: 'Error', message: 'SMS gateway timed out after 3000 ms', handled: false, span_name: 'execute_tool send_sms' }),
    event('completion', 'completion', at('a', 5000), 'a', {
      operation: 'chat',
      model: 'gpt-4o-mini-2026-01-01',
      response: 'Order 42 has shipped with PostNord, "tracking" soon.\nI could not send the SMS.',
      finish_reasons: ['stop'],
      token_count: 18,
      usage: { input_tokens: 61, output_tokens: 18 },
    }),
    event('custom', 'session.end', at('a', 5100), 'a', { name: 'session.end', outcome: 'success', duration_ms: 5100 }),

    event('custom', 'session.start', at('b', 0), 'b', { name: 'session.start', span_name: 'invoke_agent ops-bot' }),
    event('prompt', 'prompt', at('b', 5), 'b', { model: 'gpt-4o', prompt: 'user: Delete test customer 7, then mail jane.doe@example.com.', token_count: 19 }),
    event('tool_call', 'tool_call', at('b', 700), 'b', {
      tool_name: 'delete_customer',
      arguments: { customerId: 7 },
      status: 'error',
      duration_ms: 1,
      decision: gate('block', "tool 'delete_customer' is on the deny list"),
    }),
    event('completion', 'completion', at('b', 1500), 'b', { model: 'gpt-4o', response: 'I may not delete customers.', finish_reasons: ['stop'], token_count: 7 }),
    event('custom', 'session.end', at('b', 1600), 'b', { name: 'session.end', outcome: 'success', duration_ms: 1600 }),
  ];
}

/** A fresh temp folder, removed by the returned function. */
export function tempFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The events written to `path` by the jsonl-file backend, as an app that set it up would. */
export async function writeJsonlTrail(path: string, events: readonly AuditEvent[]): Promise<string> {
  const backend = jsonlFile({ path });
  const outcome = await backend.send(events, AbortSignal.timeout(10_000));
  await backend.shutdown();
  if (outcome.kind !== 'delivered') throw new Error(`jsonl-file: ${JSON.stringify(outcome)}`);
  return readFileSync(path, 'utf8');
}

/**
 * The events delivered to a real receiver (`serve --file path --deny-tool
 * delete_customer`) by the Secureagentics backend, and, with `agentic`, by
 * the AgenticAudit backend too; resolves with the trail it wrote.
 */
export async function writeReceiverTrail(path: string, events: readonly AuditEvent[], agentic = false): Promise<string> {
  const receiver = await startAuditReceiver({ port: 0, host: '127.0.0.1', file: path, deniedTools: ['delete_customer'] });
  try {
    const backends = [secureagentics({ apiKey: 'local-test-key', baseUrl: receiver.url })];
    if (agentic) backends.push(agenticAudit({ apiKey: 'local-test-key', baseUrl: receiver.url, agentId: 'support-fleet' }));
    for (const backend of backends) {
      // As the delivery queue does: batches of at most maxBatchSize (AgenticAudit takes one event per request).
      for (let i = 0; i < events.length; i += backend.maxBatchSize) {
        const outcome = await backend.send(events.slice(i, i + backend.maxBatchSize), AbortSignal.timeout(10_000));
        if (outcome.kind !== 'delivered') throw new Error(`${backend.name}: ${JSON.stringify(outcome)}`);
      }
      await backend.shutdown();
    }
  } finally {
    await receiver.close();
  }
  return readFileSync(path, 'utf8');
}
