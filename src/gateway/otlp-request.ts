/**
 * An OTLP/HTTP request body → the spans or log records it carries: the
 * encoding from `Content-Type` (`application/x-protobuf` or
 * `application/json`, OTLP/HTTP §"Binary Protobuf Encoding" / "JSON Protobuf
 * Encoding"), `Content-Encoding: gzip` undone with a cap on the inflated
 * size (a small body must not inflate into gigabytes), then decoded.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { decodeProtobuf, EXPORT_LOGS_REQUEST, EXPORT_TRACE_REQUEST } from './otlp-schema.js';
import { receivedLogRecords, type ReceivedLogRecord } from './received-log-records.js';
import { receivedSpans } from './received-spans.js';

const inflate = promisify(gunzip);

/** The two encodings of OTLP/HTTP. */
export type OtlpEncoding = 'protobuf' | 'json';

/** A body that is no OTLP/HTTP request: `status` is what the gateway answers. */
export class OtlpRequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'OtlpRequestError';
  }
}

/** The encoding a `Content-Type` names, or undefined for any other media type (415). */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

/**
 * Decodes a request body of `signal` in `encoding`, inflating it first when
 * `contentEncoding` is gzip; the inflated body may be at most `maxBytes`.
 *
 * @throws OtlpRequestError 400 for a body that is not a valid request (the message says why), 413 past `maxBytes`, 415 for another content encoding.
 * @example
 * const { spans } = await decodeOtlpTraces(body, 'protobuf', 'gzip', 4 << 20);
 */
export async function decodeOtlpTraces(body: Buffer, encoding: OtlpEncoding, contentEncoding: string | undefined, maxBytes: number): Promise<ReadableSpan[]> {
  const bytes = await inflated(body, contentEncoding, maxBytes);
  return decoded(() => receivedSpans(encoding === 'json' ? parseJson(bytes) : decodeProtobuf(EXPORT_TRACE_REQUEST, bytes)), 'ExportTraceServiceRequest');
}

/** The log-record counterpart of {@link decodeOtlpTraces}. @throws OtlpRequestError as it does. */
export async function decodeOtlpLogs(body: Buffer, encoding: OtlpEncoding, contentEncoding: string | undefined, maxBytes: number): Promise<ReceivedLogRecord[]> {
  const bytes = await inflated(body, contentEncoding, maxBytes);
  return decoded(() => receivedLogRecords(encoding === 'json' ? parseJson(bytes) : decodeProtobuf(EXPORT_LOGS_REQUEST, bytes)), 'ExportLogsServiceRequest');
}

async function inflated(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const coding = contentEncoding?.trim().toLowerCase();
  if (coding === undefined || coding === '' || coding === 'identity') return body;
  if (coding !== 'gzip') throw new OtlpRequestError(415, `Content-Encoding '${coding}' is not supported; send gzip or none`);
  try {
    return await inflate(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new OtlpRequestError(413, `the gzip body inflates past the limit of ${maxBytes} bytes`);
    throw new OtlpRequestError(400, `the body is not valid gzip: ${(error as Error).message}`);
  }
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`the body is not JSON: ${(error as Error).message}`);
  }
}

function decoded<T>(decode: () => T, message: string): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new OtlpRequestError(400, error.message);
    // protobufjs: truncated or malformed wire data.
    throw new OtlpRequestError(400, `the body is not an OTLP ${message}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
