// Records what the instrumentations really emit — every span (ended or
// still open at the end) and every log record — as JSON, so converter unit
// tests can be written against golden fixtures recorded from the real packages.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';

const KIND_NAMES = Object.fromEntries(Object.entries(SpanKind).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));
const STATUS_NAMES = Object.fromEntries(Object.entries(SpanStatusCode).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));

function spanJson(span, ended) {
  const { traceId, spanId } = span.spanContext();
  return {
    ended,
    name: span.name,
    kind: KIND_NAMES[span.kind],
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
    startTime: span.startTime,
    endTime: ended ? span.endTime : undefined,
    status: { code: STATUS_NAMES[span.status.code], message: span.status.message },
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes ?? {} })),
    links: span.links.length,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
  };
}

function logRecordJson(record) {
  return {
    eventName: record.eventName,
    traceId: record.spanContext?.traceId,
    spanId: record.spanContext?.spanId,
    scope: { name: record.instrumentationScope.name, version: record.instrumentationScope.version },
    time: record.hrTime,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    attributes: { ...record.attributes },
    body: record.body,
  };
}

/** A span processor and a log-record processor that keep everything they see. */
export class Capture {
  #open = new Map();
  #spans = [];
  #logRecords = [];

  spanProcessor = {
    onStart: (span) => void this.#open.set(span, true),
    onEnd: (span) => {
      this.#open.delete(span);
      this.#spans.push(spanJson(span, true));
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };

  logProcessor = {
    onEmit: (record) => void this.#logRecords.push(logRecordJson(record)),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };

  /** `url.full` of every HTTP client span the undici instrumentation ended. */
  httpClientUrls() {
    return this.#spans.filter((s) => s.scope.name === '@opentelemetry/instrumentation-undici').map((s) => s.attributes['url.full']);
  }

  /** Spans of the http instrumentation (the tool's weather service): kind and trace id. */
  nodeHttpSpans() {
    return this.#spans.filter((s) => s.scope.name === '@opentelemetry/instrumentation-http').map((s) => ({ kind: s.kind, traceId: s.traceId }));
  }

  /** Writes the capture; `packages` are recorded with the versions installed. */
  write(file, scenario, packages) {
    const versions = Object.fromEntries(packages.map((name) => [name, installedVersion(name)]));
    const capture = {
      scenario,
      node: process.version,
      packages: versions,
      spans: this.#spans,
      // Started and never ended (OpenInference and Traceloop leave failed calls open).
      openSpans: [...this.#open.keys()].map((span) => spanJson(span, false)),
      logRecords: this.#logRecords,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(capture, null, 2)}\n`);
  }
}

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
