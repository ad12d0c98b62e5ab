/**
 * The answers of an OTLP/HTTP server (otlp.md "OTLP/HTTP Response"): success
 * is 200 with an empty Export…ServiceResponse in the request's encoding;
 * a failure carries a google.rpc.Status, in the request's encoding too, whose
 * `message` is what the client logs. 429 and 503 say when to come back
 * (`Retry-After`), which the OpenTelemetry exporters honour.
 */
import type { ServerResponse } from 'node:http';
import type { OtlpEncoding } from './otlp-request.js';
import { RPC_STATUS } from './otlp-schema.js';

const MEDIA_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** google.rpc.Code for an HTTP status (the mapping of google/rpc/code.proto). */
const RPC_CODE: Readonly<Record<number, number>> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

/**
 * Answers 200 with an empty response message: zero bytes in protobuf, `{}` in JSON.
 *
 * @example
 * sendOtlpSuccess(res, 'protobuf');
 */
export function sendOtlpSuccess(res: ServerResponse, encoding: OtlpEncoding): void {
  const body = encoding === 'json' ? Buffer.from('{}') : Buffer.alloc(0);
  res.writeHead(200, { 'content-type': MEDIA_TYPE[encoding], 'content-length': body.length }).end(body);
}

/**
 * Answers `status` with a google.rpc.Status carrying `message`, in
 * `encoding` (JSON for a request whose encoding is unknown).
 *
 * @example
 * sendOtlpFailure(res, 503, 'json', 'the spool could not write the events', { 'retry-after': '5' });
 */
export function sendOtlpFailure(res: ServerResponse, status: number, encoding: OtlpEncoding | undefined, message: string, headers: Record<string, string> = {}): void {
  const code = RPC_CODE[status] ?? 2;
  const body =
    encoding === 'protobuf'
      ? Buffer.from(RPC_STATUS.encode(RPC_STATUS.fromObject({ code, message })).finish())
      : Buffer.from(JSON.stringify({ code, message }));
  res.writeHead(status, { ...headers, 'content-type': MEDIA_TYPE[encoding ?? 'json'], 'content-length': body.length }).end(body);
}
