// Chained trails for the verify tests: realistic events linked by a real
// StreamChain, written in each of the three line forms a trail can hold,
// and small edits that tamper with them.
import { generateKeyPairSync } from 'node:crypto';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import { toWireEvent } from '../../../src/backends/secureagentics/secureagentics-wire.js';
import { evaluatePolicies } from '../../../src/receiver/policies.js';
import { toStoredEntry } from '../../../src/receiver/stored-event.js';
import { validateEvent } from '../../../src/receiver/validation.js';
import { signingKeyFromPem, type SigningKey } from '../../../src/chain/signing-key.js';
import { StreamChain } from '../../../src/chain/stream-chain.js';

/** The receiver's stored event, the Secureagentics wire event, the jsonl-file backend's line. */
export type LineForm = 'stored' | 'wire' | 'jsonl';
export const LINE_FORMS: readonly LineForm[] = ['stored', 'wire', 'jsonl'];

export function newKey(): SigningKey {
  return signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const WORDS = 'the agent reads the ticket then looks up the order and drafts a careful reply'.split(' ');

function prose(length: number, seed: number): string {
  let text = '';
  for (let i = seed; text.length < length; i = (i * 31 + 7) % 997) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, length);
}

/** Event `i` of a session: prompt, completion, tool call, in turn. */
export function sampleEvent(i: number): AuditEvent {
  const spanId = (0x1000000000000000 + i).toString(16);
  const kind = (['prompt', 'completion', 'tool_call'] as const)[i % 3]!;
  const payload: Record<string, unknown> =
    kind === 'prompt'
      ? { model: 'gpt-4o', prompt: prose(1200 + (i % 7) * 100, i), 'gen_ai.request.temperature': 0.2, 'gen_ai.usage.input_tokens': 300 + i }
      : kind === 'completion'
        ? { model: 'gpt-4o', response: `${prose(400, i)}\n— "done"`, 'gen_ai.response.finish_reasons': ['stop'], token_count: 120 + i }
        : { tool_name: 'lookup_order', arguments: { order_id: `o-${i}`, fields: ['status', 'eta'] }, result: { status: 'shipped' } };
  return {
    id: `${TRACE}-${spanId}-${kind}`,
    type: kind,
    traceId: TRACE,
    spanId,
    parentSpanId: '00f067aa0ba902b7',
    timestamp: new Date(Date.UTC(2026, 4, 4, 10, 30, 0, i)).toISOString(),
    sessionId: 'sess-1',
    agentName: 'support-bot',
    payload,
    resource: { 'service.name': 'support' },
  };
}

export interface TrailOptions {
  key?: SigningKey;
  events?: number;
  checkpointEvery?: number;
  /** Append the close checkpoint (default true). */
  close?: boolean;
}

/** `events` sample events linked into one stream (batches of 7), closed unless told otherwise. */
export function chainedEvents(options: TrailOptions = {}): { chain: StreamChain; events: AuditEvent[]; key: SigningKey } {
  const key = options.key ?? newKey();
  const chain = new StreamChain({ key, checkpointEvery: options.checkpointEvery ?? 10, now: () => new Date('2026-05-04T11:00:00.000Z') });
  const source = Array.from({ length: options.events ?? 25 }, (_, i) => sampleEvent(i));
  const events: AuditEvent[] = [];
  for (let i = 0; i < source.length; i += 7) events.push(...chain.link(source.slice(i, i + 7)));
  if (options.close ?? true) events.push(...chain.close());
  return { chain, events, key };
}

/** One event as a trail line of the given form, as the real code writes it. */
export function lineOf(event: AuditEvent, form: LineForm): string {
  if (form === 'wire') return JSON.stringify(toWireEvent(event));
  if (form === 'stored') {
    const valid = validateEvent(toWireEvent(event), '', { iso: '2026-05-04T12:00:00.000Z', micros: 0 });
    return toStoredEntry('agt_01JTX5Z8Q3W4E5R6T7Y8U9I0PA', valid, evaluatePolicies(valid, new Set())).json;
  }
  // The jsonl-file backend's line (src/backends/jsonl/jsonl-file.ts).
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    trace_id: event.traceId,
    span_id: event.spanId,
    parent_span_id: event.parentSpanId,
    session_id: event.sessionId,
    agent_name: event.agentName,
    agent_id: event.agentId,
    payload: event.payload,
  });
}

export function linesOf(events: readonly AuditEvent[], form: LineForm): string[] {
  return events.map((event) => lineOf(event, form));
}

type Line = { payload: Record<string, unknown> } & Record<string, unknown>;

const sequenceOf = (line: string): number => (JSON.parse(line) as Line).payload['audit.sequence.number'] as number;

/** The line holding sequence number `sequence`. */
export function indexOfSequence(lines: readonly string[], sequence: number): number {
  const index = lines.findIndex((line) => sequenceOf(line) === sequence);
  if (index === -1) throw new Error(`no line with sequence ${sequence}`);
  return index;
}

/** `lines` with the line at `sequence` edited by `edit` (which changes the parsed line in place). */
export function editLine(lines: readonly string[], sequence: number, edit: (line: Line) => void): string[] {
  const out = [...lines];
  const index = indexOfSequence(out, sequence);
  const line = JSON.parse(out[index]!) as Line;
  edit(line);
  out[index] = JSON.stringify(line);
  return out;
}

/** A deterministic shuffle (delivery order). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
