/**
 * Replays spans captured from the real instrumentations
 * (`test/interop/captured/<scenario>.json`, written by the interop scenarios
 * with INTEROP_CAPTURE=1) through a real tracer, so converter tests run on
 * ReadableSpans the SDK built from exactly what the packages emitted.
 */
import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode, trace, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestTracing } from '../../support/tracing.js';

export interface CapturedSpan {
  ended: boolean;
  name: string;
  kind: keyof typeof SpanKind;
  scope: { name: string; version?: string };
  startTime: HrTime;
  endTime?: HrTime;
  status: { code: keyof typeof SpanStatusCode; message?: string };
  attributes: Attributes;
  events: Array<{ name: string; time: HrTime; attributes: Attributes }>;
}

interface Capture {
  scenario: string;
  packages: Record<string, string>;
  spans: CapturedSpan[];
  openSpans: CapturedSpan[];
}

export function loadCapture(scenario: string): Capture {
  const file = new URL(`../../interop/captured/${scenario}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Capture;
}

/**
 * Records each captured span again — same scope, name, kind, times,
 * attributes, events and status — and returns the finished spans in order.
 * Spans captured open are ended at their start time, status unchanged.
 */
export function replay(tracing: TestTracing, spans: readonly CapturedSpan[]): ReadableSpan[] {
  tracing.memory.reset();
  for (const captured of spans) {
    const tracer = trace.getTracer(captured.scope.name, captured.scope.version);
    const span = tracer.startSpan(captured.name, { kind: SpanKind[captured.kind], attributes: captured.attributes, startTime: captured.startTime });
    for (const event of captured.events) span.addEvent(event.name, event.attributes, event.time);
    if (captured.status.code !== 'UNSET') span.setStatus({ code: SpanStatusCode[captured.status.code], message: captured.status.message });
    span.end(captured.endTime ?? captured.startTime);
  }
  return tracing.memory.getFinishedSpans();
}

/** The captured spans whose name is `name`, in capture order. */
export function named(spans: readonly CapturedSpan[], name: string): CapturedSpan[] {
  return spans.filter((s) => s.name === name);
}
