/**
 * An ExportLogsServiceRequest (in its JSON shape) → its log records in the
 * shape of the SDK's `ReadableLogRecord`, whose part `auditLogRecordProcessor`
 * reads (event name, attributes, body, span context), so received GenAI
 * content records join their spans exactly as records emitted in process do.
 */
import { TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { EmittedLogRecord } from '../pipeline/emitted-log-record.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { anyValueOf, hrTimeOf, idOf, integerOf, isOtlpObject, keyValuesOf, objectsOf, stringOf, type OtlpObject } from './otlp-values.js';
import { resourceOf, scopeOf } from './received-spans.js';

/** A received log record: the fields of sdk-logs' `ReadableLogRecord` (both lines). */
export interface ReceivedLogRecord extends EmittedLogRecord {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly severityText?: string;
  readonly severityNumber?: number;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount: number;
}

/**
 * The log records of one export request, in the order sent.
 *
 * @throws OtlpDecodeError naming the first field that is not valid OTLP.
 * @example
 * for (const record of receivedLogRecords(JSON.parse(body))) processor.onEmit(record);
 */
export function receivedLogRecords(request: unknown): ReceivedLogRecord[] {
  if (!isOtlpObject(request)) throw new OtlpDecodeError('the body must be an ExportLogsServiceRequest object');
  const records: ReceivedLogRecord[] = [];
  objectsOf(request, 'resourceLogs', 'request').forEach((resourceLogs, r) => {
    const where = `resourceLogs[${r}]`;
    const resource = resourceOf(resourceLogs, where);
    objectsOf(resourceLogs, 'scopeLogs', where).forEach((scopeLogs, s) => {
      const scopeWhere = `${where}.scopeLogs[${s}]`;
      const instrumentationScope = scopeOf(scopeLogs, scopeWhere);
      objectsOf(scopeLogs, 'logRecords', scopeWhere).forEach((record, i) => {
        const recordWhere = `${scopeWhere}.logRecords[${i}]`;
        const spanContext = spanContextOf(record, recordWhere);
        const eventName = stringOf(record, 'eventName', recordWhere);
        const severityText = stringOf(record, 'severityText', recordWhere);
        const severityNumber = integerOf(record, 'severityNumber', recordWhere);
        const body = anyValueOf(record.body, `${recordWhere}.body`);
        records.push({
          hrTime: hrTimeOf(record, 'timeUnixNano', recordWhere),
          hrTimeObserved: hrTimeOf(record, 'observedTimeUnixNano', recordWhere),
          ...(spanContext && { spanContext }),
          ...(eventName !== '' && { eventName }),
          ...(severityText !== '' && { severityText }),
          ...(severityNumber !== 0 && { severityNumber }),
          ...(body !== undefined && { body }),
          resource,
          instrumentationScope,
          attributes: keyValuesOf(record, 'attributes', recordWhere),
          droppedAttributesCount: integerOf(record, 'droppedAttributesCount', recordWhere),
        });
      });
    });
  });
  return records;
}

/** The span a record was emitted in; undefined outside any span (no ids). */
function spanContextOf(record: OtlpObject, where: string): SpanContext | undefined {
  const traceId = idOf(record, 'traceId', 16, where);
  const spanId = idOf(record, 'spanId', 8, where);
  if (traceId === undefined || spanId === undefined) return undefined;
  // logs.proto: the low byte of `flags` is the W3C trace flags of that span.
  // Senders that leave it 0 (it is optional) are taken as sampled: content of
  // an unsampled span whose span never comes only waits in the bounded store until it expires.
  return { traceId, spanId, traceFlags: integerOf(record, 'flags', where) & 0xff || TraceFlags.SAMPLED };
}
