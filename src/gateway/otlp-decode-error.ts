/**
 * Why a request body is not a valid OTLP export request. The gateway answers
 * 400 with this message (OTLP/HTTP: "the server MUST respond with HTTP 400
 * Bad Request" for a request it cannot decode), and the client does not retry.
 */
const BRAND = Symbol.for('otel-agent-audit.otlp-decode-error');

/**
 * Thrown by the gateway's OTLP readers; never reaches a caller of the library.
 *
 * @example
 * throw new OtlpDecodeError('resourceSpans[0].scopeSpans[1].spans[3].traceId must be 16 bytes as hex');
 */
export class OtlpDecodeError extends Error {
  readonly code = 'OTLP_DECODE';
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
