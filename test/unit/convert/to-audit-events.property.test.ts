import { context, SpanKind, SpanStatusCode, trace, type AttributeValue, type Attributes, type Span, type TimeInput } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import * as names from '../../../src/model/attributes.js';
import { toAuditEvents } from '../../../src/index.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';
import { it } from '../../support/audit-test.js';

const ATTRIBUTE_KEYS: string[] = Object.values(names).filter((v: string) => /^(gen_ai|audit|error|exception)\./.test(v));
const OPERATIONS = ['chat', 'text_completion', 'generate_content', 'execute_tool', 'invoke_agent', 'embeddings', '', 'CHAT'];
const HUGE = 'h'.repeat(100_000);

const STRINGS: ReadonlyArray<(r: Random) => string> = [
  () => '',
  () => 'plain text',
  () => '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
  () => '[{"role":"assistant","parts":[{"type":"tool_call","name":null},{"type":"tool_call_response","response":{"a":[1,2]}}]}]',
  () => '[{"role":',
  () => '{"unclosed": ',
  () => '"a json string"',
  () => '[1, "two", null, {"parts": 3}, {"content": "c"}]',
  () => `[${'{"role":"user","parts":[{"type":"text","content":"x"}]},'.repeat(2000)}{}]`,
  () => `[${HUGE}`,
  () => HUGE,
  () => 'true',
  () => '12',
  (r) => String(r() * 1e6),
  (r) => String.fromCharCode(...Array.from({ length: int(r, 20) }, () => int(r, 0xffff))),
];

function randomString(r: Random): string {
  return pick(r, STRINGS)(r);
}

function randomValue(r: Random): AttributeValue {
  switch (int(r, 7)) {
    case 0:
    case 1:
      return randomString(r);
    case 2:
      return pick(r, [0, -1, 1.5, 42, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, -0]);
    case 3:
      return r() < 0.5;
    case 4:
      return Array.from({ length: int(r, 4) }, () => randomString(r));
    case 5:
      return Array.from({ length: int(r, 4) }, () => pick(r, [1, Number.NaN, Infinity, -2]));
    default:
      return Array.from({ length: int(r, 4) }, () => r() < 0.5);
  }
}

function randomAttributes(r: Random, count: number): Attributes {
  const attributes: Attributes = {};
  if (r() < 0.7) attributes[names.GEN_AI_OPERATION_NAME] = pick(r, OPERATIONS);
  if (r() < 0.3) attributes[names.AUDIT_SESSION_ROOT] = r() < 0.7 ? true : randomValue(r);
  if (r() < 0.2) attributes[names.AUDIT_CARRIER_SPAN] = true;
  for (let i = 0; i < count; i++) attributes[pick(r, ATTRIBUTE_KEYS)] = randomValue(r);
  return attributes;
}

function addRandomEvents(r: Random, span: Span): void {
  for (let i = int(r, 4); i > 0; i--) {
    const name = pick(r, ['exception', 'handoff', '', 'gen_ai.content.prompt', randomString(r).slice(0, 50)]);
    const attributes = randomAttributes(r, int(r, 5));
    if (r() < 0.5) attributes[names.AUDIT_RECORDED] = r() < 0.8 ? true : randomValue(r);
    span.addEvent(name, attributes);
  }
}

/** Explicit times, some before the epoch's first second and some ending before they start. */
function randomTime(r: Random): TimeInput {
  return pick<TimeInput>(r, [0, 1, Date.now() - r() * 1e9, new Date(0), [0, 999_999_999], [1_700_000_000, 5], performance.now()]);
}

function randomSpans(r: Random): void {
  const tracer = trace.getTracer('property');
  const parent = r() < 0.5 ? tracer.startSpan('parent') : undefined;
  const ctx = parent ? trace.setSpan(context.active(), parent) : undefined;
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const kind = pick(r, [SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.SERVER]);
    const startTime = r() < 0.3 ? randomTime(r) : undefined;
    const span = tracer.startSpan(randomString(r).slice(0, 80), { kind, attributes: randomAttributes(r, int(r, 12)), startTime }, ctx);
    addRandomEvents(r, span);
    if (r() < 0.4) span.setStatus({ code: pick(r, [SpanStatusCode.ERROR, SpanStatusCode.OK, SpanStatusCode.UNSET]), message: randomString(r).slice(0, 100) });
    if (r() < 0.2) span.recordException(pick<Error | string>(r, [new Error(randomString(r).slice(0, 40)), randomString(r)]));
    span.end(r() < 0.3 ? randomTime(r) : undefined);
  }
  parent?.end();
}

const TYPES = new Set(['prompt', 'completion', 'tool_call', 'error', 'custom']);

describe('toAuditEvents on arbitrary spans', () => {
  it('never throws and always yields well-formed events with unique, reproducible ids (500 seeded cases)', ({ tracing }) => {
    const seed = 0x5eed;
    const r = mulberry32(seed);
    let total = 0;
    for (let iteration = 0; iteration < 500; iteration++) {
      tracing.memory.reset();
      randomSpans(r);
      const spans = tracing.memory.getFinishedSpans();
      const context = `seed ${seed}, iteration ${iteration}`;

      let events: ReturnType<typeof toAuditEvents> = [];
      expect(() => (events = toAuditEvents(spans)), context).not.toThrow();
      total += events.length;
      for (const event of events) {
        expect(typeof event.id, context).toBe('string');
        expect(event.id.startsWith(`${event.traceId}-${event.spanId}-`), context).toBe(true);
        expect(TYPES.has(event.type), context).toBe(true);
        expect(event.traceId, context).toMatch(/^[0-9a-f]{32}$/);
        expect(event.spanId, context).toMatch(/^[0-9a-f]{16}$/);
        expect(new Date(event.timestamp).toISOString(), context).toBe(event.timestamp);
        expect(typeof event.payload, context).toBe('object');
        expect(() => JSON.stringify(event), context).not.toThrow();
        // The catch-all in toAuditEvents is a last resort: converters themselves must cope with any attributes.
        expect(event.payload.error_type, context).not.toBe('otel-agent-audit.conversion');
      }
      expect(new Set(events.map((e) => e.id)).size, context).toBe(events.length);
      expect(toAuditEvents(spans), context).toEqual(events);
    }
    // The generator must reach the converters, not only spans they skip.
    expect(total).toBeGreaterThan(500);
  });
});
