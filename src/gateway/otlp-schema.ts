/**
 * The OTLP messages the gateway decodes, as a protobufjs reflection root
 * built from a descriptor written here. Field numbers and types are those of
 * opentelemetry-proto v1 (`collector/trace/v1/trace_service.proto`,
 * `collector/logs/v1/logs_service.proto`, `trace/v1/trace.proto`,
 * `logs/v1/logs.proto`, `common/v1/common.proto`, `resource/v1/resource.proto`).
 *
 * Why a descriptor in code: `@opentelemetry/otlp-transformer` 0.2xx no
 * longer ships generated protos (it encodes by hand and exports only
 * serializers), and no other package exposes them through a public, stable
 * path. The descriptor holds only the fields the gateway reads; protobuf
 * skips unknown fields, so newer senders still decode.
 */
import protobuf from 'protobufjs';

const field = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule && { rule }) });

const COMMON = {
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
  KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
  InstrumentationScope: {
    fields: { name: field(1, 'string'), version: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated'), droppedAttributesCount: field(4, 'uint32') },
  },
  Resource: { fields: { attributes: field(1, 'KeyValue', 'repeated'), droppedAttributesCount: field(2, 'uint32') } },
};

const TRACE = {
  ExportTraceServiceRequest: { fields: { resourceSpans: field(1, 'ResourceSpans', 'repeated') } },
  ResourceSpans: { fields: { resource: field(1, 'Resource'), scopeSpans: field(2, 'ScopeSpans', 'repeated'), schemaUrl: field(3, 'string') } },
  ScopeSpans: { fields: { scope: field(1, 'InstrumentationScope'), spans: field(2, 'Span', 'repeated'), schemaUrl: field(3, 'string') } },
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
      events: field(11, 'SpanEvent', 'repeated'),
      droppedEventsCount: field(12, 'uint32'),
      links: field(13, 'SpanLink', 'repeated'),
      droppedLinksCount: field(14, 'uint32'),
      status: field(15, 'Status'),
      flags: field(16, 'fixed32'),
    },
  },
  SpanEvent: {
    fields: { timeUnixNano: field(1, 'fixed64'), name: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated'), droppedAttributesCount: field(4, 'uint32') },
  },
  SpanLink: {
    fields: {
      traceId: field(1, 'bytes'),
      spanId: field(2, 'bytes'),
      traceState: field(3, 'string'),
      attributes: field(4, 'KeyValue', 'repeated'),
      droppedAttributesCount: field(5, 'uint32'),
      flags: field(6, 'fixed32'),
    },
  },
  Status: { fields: { message: field(2, 'string'), code: field(3, 'int32') } },
};

const LOGS = {
  ExportLogsServiceRequest: { fields: { resourceLogs: field(1, 'ResourceLogs', 'repeated') } },
  ResourceLogs: { fields: { resource: field(1, 'Resource'), scopeLogs: field(2, 'ScopeLogs', 'repeated'), schemaUrl: field(3, 'string') } },
  ScopeLogs: { fields: { scope: field(1, 'InstrumentationScope'), logRecords: field(2, 'LogRecord', 'repeated'), schemaUrl: field(3, 'string') } },
  LogRecord: {
    fields: {
      timeUnixNano: field(1, 'fixed64'),
      severityNumber: field(2, 'int32'),
      severityText: field(3, 'string'),
      body: field(5, 'AnyValue'),
      attributes: field(6, 'KeyValue', 'repeated'),
      droppedAttributesCount: field(7, 'uint32'),
      flags: field(8, 'fixed32'),
      traceId: field(9, 'bytes'),
      spanId: field(10, 'bytes'),
      observedTimeUnixNano: field(11, 'fixed64'),
      eventName: field(12, 'string'),
    },
  },
};

/** google.rpc.Status, the body of an OTLP/HTTP error answer (otlp.md "Failures"); `details` is not sent. */
const RPC = { RpcStatus: { fields: { code: field(1, 'int32'), message: field(2, 'string') } } };

const root = protobuf.Root.fromJSON({ nested: { ...COMMON, ...TRACE, ...LOGS, ...RPC } });

/** The two request messages of OTLP/HTTP the gateway takes. */
export const EXPORT_TRACE_REQUEST = root.lookupType('ExportTraceServiceRequest');
export const EXPORT_LOGS_REQUEST = root.lookupType('ExportLogsServiceRequest');
/** google.rpc.Status, for error answers to protobuf requests. */
export const RPC_STATUS = root.lookupType('RpcStatus');

/**
 * A decoded protobuf message as a plain object in the shape of the OTLP/JSON
 * encoding (camelCase fields, 64-bit ints as decimal strings, bytes as
 * base64, enums as numbers, only the set member of a oneof), so one reader
 * handles both encodings.
 *
 * @throws Error from protobufjs for bytes that are not a valid message.
 * @example
 * const request = decodeProtobuf(EXPORT_TRACE_REQUEST, body); // { resourceSpans: [...] }
 */
export function decodeProtobuf(type: protobuf.Type, body: Uint8Array): unknown {
  const message = type.decode(body);
  return type.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false, oneofs: false });
}
