/**
 * The audit trail's redaction, for telemetry that goes elsewhere: a
 * `SpanExporter` wrapper that hands the exporter it wraps a redacted view
 * of each span (name, attributes, events, links, status message, resource).
 * The spans themselves are never changed: another processor may still read them.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { resolveOption } from '../config/resolve-option.js';
import { resolveRedaction, type RedactionOptions } from '../config/resolve-trust.js';
import { Redactor, type RedactionCounts, type RedactorConfig } from '../redact/redactor.js';

type Resource = ReadableSpan['resource'];

/**
 * A `SpanExporter` that redacts secrets and personal data from spans before
 * `exporter` sees them. {@link redactions} counts what it redacted, per rule.
 */
export class RedactingSpanExporter implements SpanExporter {
  private readonly redactor: Redactor;
  private readonly counts: RedactionCounts = {};
  /** Resources are shared by every span of a provider: each is redacted once, and stays one object, so exporters still group by it. */
  private readonly resources = new WeakMap<object, Resource>();

  constructor(
    private readonly exporter: SpanExporter,
    rules: RedactionOptions = {},
  ) {
    // Asked for explicitly: with an options object, env OTEL_AGENT_AUDIT_REDACTION=false does not turn this off.
    this.redactor = new Redactor(resolveRedaction(rules, resolveOption('maxContentLength', undefined)) as RedactorConfig);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let views: ReadableSpan[];
    try {
      views = spans.map((span) => this.redactedSpan(span));
    } catch (error) {
      // Never pass on what could not be redacted.
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    this.exporter.export(views, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }

  /** Redactions so far, per rule; never the matched text. */
  redactions(): Readonly<RedactionCounts> {
    return { ...this.counts };
  }

  private redactedSpan(span: ReadableSpan): ReadableSpan {
    const r = this.redactor;
    const c = this.counts;
    const name = r.text(span.name, c);
    const attributes = this.redactedAttributes(span.attributes);
    const events = sameOrMapped(span.events, (event) => {
      const eventName = r.text(event.name, c);
      const eventAttributes = event.attributes && this.redactedAttributes(event.attributes);
      return eventName === event.name && eventAttributes === event.attributes ? event : { ...event, name: eventName, attributes: eventAttributes };
    });
    const links = sameOrMapped(span.links, (link) => {
      const linkAttributes = link.attributes && this.redactedAttributes(link.attributes);
      return linkAttributes === link.attributes ? link : { ...link, attributes: linkAttributes };
    });
    const message = span.status.message === undefined ? undefined : r.text(span.status.message, c);
    const resource = this.redactedResource(span.resource);
    if (name === span.name && attributes === span.attributes && events === span.events && links === span.links && message === span.status.message && resource === span.resource) return span;
    // A view over the span: what is not redacted (ids, times, spanContext()) is read from the span itself.
    return Object.create(span, {
      name: { value: name, enumerable: true },
      attributes: { value: attributes, enumerable: true },
      events: { value: events, enumerable: true },
      links: { value: links, enumerable: true },
      status: { value: message === span.status.message ? span.status : { ...span.status, message }, enumerable: true },
      resource: { value: resource, enumerable: true },
    }) as ReadableSpan;
  }

  /**
   * Attribute values, redacted; the same object when nothing changed. A
   * string that holds JSON (`gen_ai.input.messages`, tool arguments) is
   * redacted as the value it encodes, since its escaping hides secrets from
   * the text rules, and written back as JSON (one that needed nothing
   * redacted is passed on as it was).
   */
  private redactedAttributes<A extends Readonly<Record<string, unknown>>>(attributes: A): A {
    let decoded: Record<string, unknown> | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (typeof value !== 'string' || !(value.startsWith('{') || value.startsWith('['))) continue;
      const redacted = this.redactedJsonText(value);
      if (redacted !== value) (decoded ??= { ...attributes })[key] = redacted;
    }
    // Then the attributes as one object: key names (`db.password`, your `keys`) and names that redact alike are handled there.
    return this.redactor.value(decoded ?? attributes, this.counts) as A;
  }

  private redactedJsonText(text: string): unknown {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.redactor.text(text, this.counts);
    }
    const redacted = this.redactor.value(parsed, this.counts);
    return redacted === parsed ? text : JSON.stringify(redacted);
  }

  private redactedResource(resource: Resource): Resource {
    if (resource === undefined || resource === null) return resource;
    const known = this.resources.get(resource);
    if (known !== undefined) return known;
    const attributes = this.redactedAttributes(resource.attributes);
    const redacted = attributes === resource.attributes ? resource : (Object.create(resource, { attributes: { value: attributes, enumerable: true } }) as Resource);
    this.resources.set(resource, redacted);
    return redacted;
  }
}

/**
 * Wraps the exporter of your other telemetry (OTLP, say) so the audit
 * trail's redaction rules cover it too: opt-in, per exporter.
 *
 * @param rules the rules to apply; default the built-in ones (README "Redaction").
 * @throws {AuditError} `INVALID_OPTION` for an invalid rule option.
 * @example
 * new BatchSpanProcessor(redactingSpanExporter(new OTLPTraceExporter(), { disable: ['ip_address'] }));
 */
export function redactingSpanExporter(exporter: SpanExporter, rules?: RedactionOptions): RedactingSpanExporter {
  return new RedactingSpanExporter(exporter, rules);
}

/** `items` itself when `map` changes none of them. */
function sameOrMapped<T>(items: T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const mapped = map(item);
    if (mapped !== item) (out ??= items.slice())[i] = mapped;
  }
  return out ?? items;
}
