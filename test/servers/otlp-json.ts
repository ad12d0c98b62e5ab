/**
 * Decoding of the OTLP/HTTP JSON encoding of ExportTraceServiceRequest.
 *
 * Trace and span ids: the OTLP spec's JSON mapping (and
 * @opentelemetry/otlp-transformer's JSON_ENCODER, which passes ids through)
 * sends hex strings; the generic protobuf JSON mapping sends base64. Both are
 * accepted and decoded to lowercase hex. 64-bit ints may arrive as numbers or
 * strings (the protobuf JSON mapping), and become JS numbers.
 */

/** One span as the sink records it. */
export interface SinkSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (the field is absent or empty). */
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  resourceAttributes: Record<string, unknown>;
  scopeName: string;
}

/** Thrown for a body that is JSON but not an ExportTraceServiceRequest; the sink answers 400. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional repeated field: absent means empty, anything but an array is malformed. */
function listOf(owner: Json, field: string): unknown[] {
  const value = owner[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${field} must be an array`);
  return value;
}

function objectsOf(owner: Json, field: string): Json[] {
  return listOf(owner, field).map((item) => {
    if (!isObject(item)) throw new OtlpDecodeError(`${field} must hold objects`);
    return item;
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a hex or base64 id of `bytes` bytes to lowercase hex. */
export function decodeId(value: unknown, bytes: number, field: string): string {
  if (typeof value === 'string') {
    if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
    if (value.length % 4 === 0 && BASE64.test(value)) {
      const decoded = Buffer.from(value, 'base64');
      if (decoded.length === bytes) return decoded.toString('hex');
    }
  }
  throw new OtlpDecodeError(`${field} must be ${bytes} bytes as hex or base64, got ${JSON.stringify(value)}`);
}

/** Decodes an OTLP AnyValue to a plain JS value; an empty AnyValue becomes undefined. */
export function decodeAnyValue(value: unknown): unknown {
  if (!isObject(value)) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  // The protobuf JSON mapping spells non-finite doubles as "NaN" / "Infinity".
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('bytesValue' in value) return new Uint8Array(Buffer.from(String(value.bytesValue), 'base64'));
  if (isObject(value.arrayValue)) return listOf(value.arrayValue, 'values').map(decodeAnyValue);
  if (isObject(value.kvlistValue)) return decodeAttributes(value.kvlistValue, 'values');
  return undefined;
}

/** Decodes a KeyValue list (`attributes`, or `values` of a kvlist) to an object. */
export function decodeAttributes(owner: Json, field = 'attributes'): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of objectsOf(owner, field)) {
    if (typeof pair.key !== 'string') throw new OtlpDecodeError(`${field} keys must be strings`);
    result[pair.key] = decodeAnyValue(pair.value);
  }
  return result;
}

function decodeSpan(span: Json, resourceAttributes: Record<string, unknown>, scopeName: string): SinkSpan {
  const status = isObject(span.status) ? span.status : {};
  const decoded: SinkSpan = {
    traceId: decodeId(span.traceId, 16, 'traceId'),
    spanId: decodeId(span.spanId, 8, 'spanId'),
    name: typeof span.name === 'string' ? span.name : '',
    attributes: decodeAttributes(span),
    status: { code: Number(status.code ?? 0) },
    events: objectsOf(span, 'events').map((event) => ({
      name: typeof event.name === 'string' ? event.name : '',
      attributes: decodeAttributes(event),
    })),
    resourceAttributes,
    scopeName,
  };
  if (typeof status.message === 'string' && status.message !== '') decoded.status.message = status.message;
  if (span.parentSpanId !== undefined && span.parentSpanId !== '') {
    decoded.parentSpanId = decodeId(span.parentSpanId, 8, 'parentSpanId');
  }
  return decoded;
}

/** Flattens resourceSpans → scopeSpans → spans. Throws OtlpDecodeError on a malformed request. */
export function decodeSpans(body: unknown): SinkSpan[] {
  if (!isObject(body)) throw new OtlpDecodeError('body must be an ExportTraceServiceRequest object');
  const spans: SinkSpan[] = [];
  for (const resourceSpans of objectsOf(body, 'resourceSpans')) {
    const resource = isObject(resourceSpans.resource) ? resourceSpans.resource : {};
    const resourceAttributes = decodeAttributes(resource);
    for (const scopeSpans of objectsOf(resourceSpans, 'scopeSpans')) {
      const scope = isObject(scopeSpans.scope) ? scopeSpans.scope : {};
      const scopeName = typeof scope.name === 'string' ? scope.name : '';
      for (const span of objectsOf(scopeSpans, 'spans')) spans.push(decodeSpan(span, resourceAttributes, scopeName));
    }
  }
  return spans;
}

/** Counts spans without decoding them: the cheap path for a benchmark sink. */
export function countSpans(body: unknown): number {
  let count = 0;
  const resourceSpans = isObject(body) && Array.isArray(body.resourceSpans) ? body.resourceSpans : [];
  for (const resource of resourceSpans as unknown[]) {
    const scopeSpans = isObject(resource) && Array.isArray(resource.scopeSpans) ? resource.scopeSpans : [];
    for (const scope of scopeSpans as unknown[]) {
      if (isObject(scope) && Array.isArray(scope.spans)) count += scope.spans.length;
    }
  }
  return count;
}
