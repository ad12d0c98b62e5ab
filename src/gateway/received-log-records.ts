/**
 * An ExportLogsServiceRequest (in its JSON shape) → its log records in the
 * shape of the SDK's `ReadableLogRecord`, which is what
 * `auditLogRecordProcessor` reads (event name, attributes, body, span
 * context), so received GenAI content records join their spans exactly as
 * records emitted in process do.
 */
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { SeverityNumber } from '@opentelemetry/api-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { anyValueOf, hrTimeOf, idOf, integerOf, isOtlpObject, keyValuesOf, objectsOf, stringOf, type OtlpObject } from './otlp-values.js';
import { resourceOf, scopeOf } from './received-spans.js';

/**
 * The log records of one export request, in the order sent.
 *
 * @throws OtlpDecodeError naming the first field that is not valid OTLP.
 * @example
 * for (const record of receivedLogRecords(JSON.parse(body))) processor.onEmit(record);
 */
export function receivedLogRecords(request: unknown): ReadableLogRecord[] {
  if (!isOtlpObject(request)) throw new OtlpDecodeError('the body must be an ExportLogsServiceRequest object');
  const records: ReadableLogRecord[] = [];
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
          ...(severityNumber !== 0 && { severityNumber: severityNumber as SeverityNumber }),
          ...(body !== undefined && { body: body as ReadableLogRecord['body'] }),
          resource,
          instrumentationScope,
          attributes: keyValuesOf(record, 'attributes', recordWhere) as ReadableLogRecord['attributes'],
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
