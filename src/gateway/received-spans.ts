/**
 * An ExportTraceServiceRequest (in its JSON shape) → the finished spans it
 * carries, as `ReadableSpan`s: the shape the SDK hands its exporters, and so
 * the shape the converters and `AuditSpanExporter` read. What OTLP does not
 * carry is filled as the SDK fills it (`ended`, `duration`); what it carries
 * in another form is turned back (span kind offset by one, W3C trace flags in
 * the low byte of `flags`, the parent's "is remote" bit, nanoseconds → HrTime).
 */
import { createTraceState, SpanKind, TraceFlags, type HrTime, type SpanStatusCode, type Link, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { InstrumentationScope } from '@opentelemetry/core';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { attributesOf, hrTimeOf, idOf, integerOf, isOtlpObject, objectOf, objectsOf, stringOf, type OtlpObject } from './otlp-values.js';

/** trace.proto SpanFlags: bit 8 says bit 9 is known; bit 9 says the parent (or a link's span) is remote. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/**
 * The spans of one export request, in the order they were sent (the SDK
 * exports in the order spans ended, per resource and scope).
 *
 * @throws OtlpDecodeError naming the first field that is not valid OTLP.
 * @example
 * const spans = receivedSpans(JSON.parse(body)); // ReadableSpan[]
 */
export function receivedSpans(request: unknown): ReadableSpan[] {
  if (!isOtlpObject(request)) throw new OtlpDecodeError('the body must be an ExportTraceServiceRequest object');
  const spans: ReadableSpan[] = [];
  objectsOf(request, 'resourceSpans', 'request').forEach((resourceSpans, r) => {
    const where = `resourceSpans[${r}]`;
    const resource = resourceOf(resourceSpans, where);
    objectsOf(resourceSpans, 'scopeSpans', where).forEach((scopeSpans, s) => {
      const scopeWhere = `${where}.scopeSpans[${s}]`;
      const scope = scopeOf(scopeSpans, scopeWhere);
      objectsOf(scopeSpans, 'spans', scopeWhere).forEach((span, i) => spans.push(spanOf(span, resource, scope, `${scopeWhere}.spans[${i}]`)));
    });
  });
  return spans;
}

/** A resource as the SDK's; one object shared by the spans under it (the converters rely on that only for speed). */
export function resourceOf(owner: OtlpObject, where: string): Resource {
  const resource = objectOf(owner, 'resource', where);
  return resourceFromAttributes(resource === undefined ? {} : attributesOf(resource, `${where}.resource`));
}

/** An instrumentation scope (name, version, schema URL of its scope list). */
export function scopeOf(owner: OtlpObject, where: string): InstrumentationScope {
  const scope = objectOf(owner, 'scope', where);
  const version = scope === undefined ? '' : stringOf(scope, 'version', `${where}.scope`);
  const schemaUrl = stringOf(owner, 'schemaUrl', where);
  return {
    name: scope === undefined ? '' : stringOf(scope, 'name', `${where}.scope`),
    ...(version !== '' && { version }),
    ...(schemaUrl !== '' && { schemaUrl }),
  };
}

function spanOf(span: OtlpObject, resource: Resource, instrumentationScope: InstrumentationScope, where: string): ReadableSpan {
  const traceId = required(idOf(span, 'traceId', 16, where), `${where}.traceId`);
  const spanId = required(idOf(span, 'spanId', 8, where), `${where}.spanId`);
  const parentId = idOf(span, 'parentSpanId', 8, where);
  const flags = integerOf(span, 'flags', where);
  // A span was exported, so it was recorded; an exporter that sends no flags (older ones) means sampled.
  const traceFlags = flags & 0xff || TraceFlags.SAMPLED;
  const traceState = stringOf(span, 'traceState', where);
  const context: SpanContext = { traceId, spanId, traceFlags, ...(traceState !== '' && { traceState: createTraceState(traceState) }) };
  const startTime = hrTimeOf(span, 'startTimeUnixNano', where);
  const endTime = hrTimeOf(span, 'endTimeUnixNano', where);
  const parentSpanContext: SpanContext | undefined =
    parentId === undefined ? undefined : { traceId, spanId: parentId, traceFlags, ...((flags & HAS_IS_REMOTE) !== 0 && { isRemote: (flags & IS_REMOTE) !== 0 }) };
  return {
    name: stringOf(span, 'name', where),
    kind: kindOf(integerOf(span, 'kind', where)),
    spanContext: () => context,
    ...(parentSpanContext && { parentSpanContext }),
    startTime,
    endTime,
    duration: difference(endTime, startTime),
    ended: true,
    status: statusOf(objectOf(span, 'status', where), `${where}.status`),
    attributes: attributesOf(span, where),
    events: objectsOf(span, 'events', where).map((event, i) => eventOf(event, `${where}.events[${i}]`)),
    links: objectsOf(span, 'links', where).map((link, i) => linkOf(link, traceFlags, `${where}.links[${i}]`)),
    resource,
    instrumentationScope,
    droppedAttributesCount: integerOf(span, 'droppedAttributesCount', where),
    droppedEventsCount: integerOf(span, 'droppedEventsCount', where),
    droppedLinksCount: integerOf(span, 'droppedLinksCount', where),
  };
}

/** OTLP's SpanKind is the API's plus one (0 is SPAN_KIND_UNSPECIFIED, read as INTERNAL, the API's default). */
function kindOf(otlpKind: number): SpanKind {
  return otlpKind >= 1 && otlpKind <= 5 ? ((otlpKind - 1) as SpanKind) : SpanKind.INTERNAL;
}

function statusOf(status: OtlpObject | undefined, where: string): SpanStatus {
  if (status === undefined) return { code: 0 };
  const code = integerOf(status, 'code', where);
  const message = stringOf(status, 'message', where);
  // The SDK holds no message rather than an empty one; proto3 cannot tell them apart.
  return { code: (code === 1 || code === 2 ? code : 0) as SpanStatusCode, ...(message !== '' && { message }) };
}

function eventOf(event: OtlpObject, where: string): TimedEvent {
  return {
    name: stringOf(event, 'name', where),
    time: hrTimeOf(event, 'timeUnixNano', where),
    attributes: attributesOf(event, where),
    droppedAttributesCount: integerOf(event, 'droppedAttributesCount', where),
  };
}

function linkOf(link: OtlpObject, spanFlags: number, where: string): Link {
  const flags = integerOf(link, 'flags', where);
  const context: SpanContext = {
    traceId: required(idOf(link, 'traceId', 16, where), `${where}.traceId`),
    spanId: required(idOf(link, 'spanId', 8, where), `${where}.spanId`),
    traceFlags: flags & 0xff || spanFlags,
    ...((flags & HAS_IS_REMOTE) !== 0 && { isRemote: (flags & IS_REMOTE) !== 0 }),
  };
  return { context, attributes: attributesOf(link, where), droppedAttributesCount: integerOf(link, 'droppedAttributesCount', where) };
}

function difference(end: HrTime, start: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  return [seconds, nanos];
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new OtlpDecodeError(`${field} is required`);
  return value;
}
