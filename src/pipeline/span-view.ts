/**
 * A finished span as the exporter sees it, with one attribute more: what the
 * span processor learned about it (a model call recorded by an enclosing
 * span, an error raised here). Finished spans are read-only and shared with
 * the user's other exporters, which must not see our marks: this is a view,
 * not a change.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * `span` with `key` set in its attributes; everything else read through.
 *
 * @example
 * const view = withAttribute(span, AUDIT_ERROR_RAISED_HERE, true);
 */
export function withAttribute(span: ReadableSpan, key: string, value: string | boolean): ReadableSpan {
  return Object.create(span, { attributes: { value: { ...span.attributes, [key]: value } } }) as ReadableSpan;
}

/** `span` with `attributes` added to its own; everything else read through. */
export function withAttributes(span: ReadableSpan, attributes: Attributes): ReadableSpan {
  return Object.create(span, { attributes: { value: { ...span.attributes, ...attributes } } }) as ReadableSpan;
}
