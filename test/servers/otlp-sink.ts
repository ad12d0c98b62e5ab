import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CountWaiter } from './count-waiter.js';
import { listenOnLoopback, mediaTypeOf, readBody, sendJson } from './loopback-server.js';
import { countSpans, decodeSpans, OtlpDecodeError, type SinkSpan } from './otlp-json.js';
import { protobufTraceRequest } from './otlp-protobuf.js';

export type { SinkSpan } from './otlp-json.js';

export interface OtlpSinkOptions {
  /** Decode and keep spans for `spans()`. Default true; false only counts (a cheap benchmark sink). */
  record?: boolean;
}

export interface OtlpSink {
  /** `http://127.0.0.1:<port>`; exporters post to `${url}/v1/traces`. */
  url: string;
  /** Every request received, rejected ones included. */
  readonly requestCount: number;
  /** The encoding of each accepted request, in arrival order. */
  readonly encodings: readonly OtlpEncoding[];
  /** Spans accepted so far, counted in both modes. */
  readonly spanCount: number;
  /** Accepted spans in arrival order, flattened; always empty when `record: false`. */
  spans(): SinkSpan[];
  /** Resolves once at least `count` spans were accepted; rejects after `timeoutMillis` (default 5000) saying how many arrived. */
  waitForSpans(count: number, timeoutMillis?: number): Promise<SinkSpan[]>;
  /** Closes the server and destroys every socket, keep-alive ones included. */
  close(): Promise<void>;
}

/** The two OTLP/HTTP encodings: `json` (http/json) and `protobuf` (http/protobuf, the SDK's default). */
export type OtlpEncoding = 'json' | 'protobuf';

/** The media type of each encoding (OTLP/HTTP spec). */
const MEDIA_TYPES: Record<string, OtlpEncoding> = { 'application/json': 'json', 'application/x-protobuf': 'protobuf' };

type Outcome = { status: number; message?: string; encoding?: OtlpEncoding };

/** google.rpc.Code per HTTP status: INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED; INTERNAL otherwise. */
const RPC_CODES: Record<number, number> = { 400: 3, 415: 3, 404: 5, 405: 12 };

/**
 * Starts a loopback OTLP/HTTP trace receiver that accepts `POST /v1/traces`
 * in the JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends)
 * or the protobuf one (exporter-trace-otlp-proto), gzip or plain, and answers
 * 200 with an empty ExportTraceServiceResponse in the request's encoding.
 * Any other media type gets 415. Independent of src/receiver on purpose.
 *
 * @example
 * const sink = await startOtlpSink();
 * const exporter = new OTLPTraceExporter({ url: `${sink.url}/v1/traces` });
 * // …export spans…
 * const [span] = await sink.waitForSpans(1);
 * await sink.close();
 */
export async function startOtlpSink(options: OtlpSinkOptions = {}): Promise<OtlpSink> {
  const record = options.record ?? true;
  const recorded: SinkSpan[] = [];
  let requestCount = 0;
  let spanCount = 0;
  const encodings: OtlpEncoding[] = [];
  const waiter = new CountWaiter(() => spanCount, 'spans', 'waitForSpans');

  function accept(body: Buffer, contentEncoding: string | undefined, encoding: OtlpEncoding): Outcome {
    let bytes: Buffer;
    if (contentEncoding === undefined || contentEncoding === 'identity') bytes = body;
    // OTEL_EXPORTER_OTLP_COMPRESSION=gzip makes the exporter gzip its bodies.
    else if (contentEncoding === 'gzip') bytes = gunzipSync(body);
    else return { status: 415, message: `unsupported Content-Encoding ${contentEncoding}` };
    const parsed = encoding === 'json' ? (JSON.parse(bytes.toString('utf8')) as unknown) : protobufTraceRequest(bytes);
    encodings.push(encoding);
    if (!record) {
      spanCount += countSpans(parsed);
      return { status: 200, encoding };
    }
    const spans = decodeSpans(parsed);
    recorded.push(...spans);
    spanCount += spans.length;
    return { status: 200, encoding };
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requestCount++;
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    let outcome: Outcome;
    try {
      const body = await readBody(req);
      if (path !== '/v1/traces') outcome = { status: 404, message: `no route for ${path}` };
      else if (req.method !== 'POST') outcome = { status: 405, message: 'only POST is allowed' };
      else {
        const encoding = MEDIA_TYPES[mediaTypeOf(req.headers['content-type']) ?? ''];
        outcome =
          encoding === undefined
            ? { status: 415, message: 'OTLP/HTTP takes application/json or application/x-protobuf' }
            : accept(body, req.headers['content-encoding']?.toLowerCase(), encoding);
      }
    } catch (cause) {
      // Bad gzip, bad JSON or a malformed request: the collector's answer is 400.
      const known = cause instanceof OtlpDecodeError || cause instanceof SyntaxError || isZlibError(cause);
      outcome = { status: known ? 400 : 500, message: String(cause) };
    }
    if (outcome.status === 200) {
      // An empty ExportTraceServiceResponse: `{}` in JSON, zero bytes in protobuf.
      if (outcome.encoding === 'protobuf') res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
      else sendJson(res, 200, {});
      waiter.notify();
    } else {
      // OTLP/HTTP carries errors as a google.rpc.Status; `message` is the part clients log.
      sendJson(res, outcome.status, { code: RPC_CODES[outcome.status] ?? 13, message: outcome.message });
    }
  }

  const loopback = await listenOnLoopback((req, res) => void onRequest(req, res));

  return {
    url: loopback.url,
    get requestCount() {
      return requestCount;
    },
    get spanCount() {
      return spanCount;
    },
    get encodings() {
      return [...encodings];
    },
    spans: () => [...recorded],
    waitForSpans: async (count, timeoutMillis) => {
      await waiter.wait(count, timeoutMillis);
      return [...recorded];
    },
    close: () => loopback.close(),
  };
}

function isZlibError(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
