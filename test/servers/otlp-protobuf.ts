/**
 * Decoding of the OTLP/HTTP protobuf encoding of ExportTraceServiceRequest
 * (what @opentelemetry/exporter-trace-otlp-proto sends), with protobufjs and
 * the part of the OTLP trace schema the sink reads. Field numbers are those
 * of opentelemetry-proto's trace/v1, common/v1 and resource/v1 messages.
 * The decoded message is turned into the shape of the JSON encoding (camel
 * case, base64 ids, 64-bit ints as strings), so one decoder (otlp-json.ts)
 * checks both.
 */
import protobuf from 'protobufjs';
import { OtlpDecodeError } from './otlp-json.js';

const field = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule && { rule }) });

const SCHEMA = {
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: field(1, 'ResourceSpans', 'repeated') } },
    ResourceSpans: { fields: { resource: field(1, 'Resource'), scopeSpans: field(2, 'ScopeSpans', 'repeated'), schemaUrl: field(3, 'string') } },
    Resource: { fields: { attributes: field(1, 'KeyValue', 'repeated'), droppedAttributesCount: field(2, 'uint32') } },
    ScopeSpans: { fields: { scope: field(1, 'InstrumentationScope'), spans: field(2, 'Span', 'repeated'), schemaUrl: field(3, 'string') } },
    InstrumentationScope: {
      fields: { name: field(1, 'string'), version: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated'), droppedAttributesCount: field(4, 'uint32') },
    },
    Span: {
      fields: {
        traceId: field(1, 'bytes'),
        spanId: field(2, 'bytes'),
        traceState: field(3, 'string'),
        parentSpanId: field(4, 'bytes'),
        name: field(5, 'string'),
        kind: field(6, 'int32'),
        startTimeUnixNano: field(7, 'fixed64'),
        endTimeUnixNano: field(8, 'fixed64'),
        attributes: field(9, 'KeyValue', 'repeated'),
        droppedAttributesCount: field(10, 'uint32'),
        events: field(11, 'Event', 'repeated'),
        droppedEventsCount: field(12, 'uint32'),
        links: field(13, 'Link', 'repeated'),
        droppedLinksCount: field(14, 'uint32'),
        status: field(15, 'Status'),
        flags: field(16, 'fixed32'),
      },
    },
    Event: {
      fields: { timeUnixNano: field(1, 'fixed64'), name: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated'), droppedAttributesCount: field(4, 'uint32') },
    },
    Link: {
      fields: { traceId: field(1, 'bytes'), spanId: field(2, 'bytes'), traceState: field(3, 'string'), attributes: field(4, 'KeyValue', 'repeated'), flags: field(6, 'fixed32') },
    },
    Status: { fields: { message: field(2, 'string'), code: field(3, 'int32') } },
    KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
      fields: {
        stringValue: field(1, 'string'),
        boolValue: field(2, 'bool'),
        intValue: field(3, 'int64'),
        doubleValue: field(4, 'double'),
        arrayValue: field(5, 'ArrayValue'),
        kvlistValue: field(6, 'KeyValueList'),
        bytesValue: field(7, 'bytes'),
      },
    },
    ArrayValue: { fields: { values: field(1, 'AnyValue', 'repeated') } },
    KeyValueList: { fields: { values: field(1, 'KeyValue', 'repeated') } },
  },
};

const request = protobuf.Root.fromJSON(SCHEMA).lookupType('ExportTraceServiceRequest');

/**
 * The request in `body` as the JSON encoding would carry it.
 *
 * @throws OtlpDecodeError for bytes that are not a valid message (the sink answers 400).
 */
export function protobufTraceRequest(body: Uint8Array): unknown {
  let message;
  try {
    message = request.decode(body);
  } catch (cause) {
    throw new OtlpDecodeError(`not an ExportTraceServiceRequest: ${String(cause)}`);
  }
  // `oneofs: false` keeps only the set member of AnyValue, as JSON has it.
  return request.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false, oneofs: false });
}
