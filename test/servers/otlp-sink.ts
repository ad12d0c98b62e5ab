import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CountWaiter } from './count-waiter.js';
import { listenOnLoopback, mediaTypeOf, readBody, sendJson } from './loopback-server.js';
import { countSpans, decodeSpans, OtlpDecodeError, type SinkSpan } from './otlp-json.js';

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
  /** Spans accepted so far, counted in both modes. */
  readonly spanCount: number;
  /** Accepted spans in arrival order, flattened; always empty when `record: false`. */
  spans(): SinkSpan[];
  /** Resolves once at least `count` spans were accepted; rejects after `timeoutMillis` (default 5000) saying how many arrived. */
  waitForSpans(count: number, timeoutMillis?: number): Promise<SinkSpan[]>;
  /** Closes the server and destroys every socket, keep-alive ones included. */
  close(): Promise<void>;
}

type Outcome = { status: number; message?: string };

/** google.rpc.Code per HTTP status: INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED; INTERNAL otherwise. */
const RPC_CODES: Record<number, number> = { 400: 3, 415: 3, 404: 5, 405: 12 };

/**
 * Starts a loopback OTLP/HTTP trace receiver that accepts `POST /v1/traces`
 * in the JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends),
 * gzip or plain, and answers 200 `{}`. Protobuf bodies get 415: this sink
 * checks our JSON path only. Independent of src/receiver on purpose.
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
  const waiter = new CountWaiter(() => spanCount, 'spans', 'waitForSpans');

  function accept(body: Buffer, encoding: string | undefined): Outcome {
    let text: string;
    if (encoding === undefined || encoding === 'identity') text = body.toString('utf8');
    // OTEL_EXPORTER_OTLP_COMPRESSION=gzip makes the exporter gzip its bodies.
    else if (encoding === 'gzip') text = gunzipSync(body).toString('utf8');
    else return { status: 415, message: `unsupported Content-Encoding ${encoding}` };
    const parsed = JSON.parse(text) as unknown;
    if (!record) {
      spanCount += countSpans(parsed);
      return { status: 200 };
    }
    const spans = decodeSpans(parsed);
    recorded.push(...spans);
    spanCount += spans.length;
    return { status: 200 };
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requestCount++;
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    let outcome: Outcome;
    try {
      const body = await readBody(req);
      if (path !== '/v1/traces') outcome = { status: 404, message: `no route for ${path}` };
      else if (req.method !== 'POST') outcome = { status: 405, message: 'only POST is allowed' };
      else if (mediaTypeOf(req.headers['content-type']) !== 'application/json') {
        outcome = { status: 415, message: 'this sink accepts the OTLP JSON encoding only' };
      } else outcome = accept(body, req.headers['content-encoding']?.toLowerCase());
    } catch (cause) {
      // Bad gzip, bad JSON or a malformed request: the collector's answer is 400.
      const known = cause instanceof OtlpDecodeError || cause instanceof SyntaxError || isZlibError(cause);
      outcome = { status: known ? 400 : 500, message: String(cause) };
    }
    if (outcome.status === 200) {
      sendJson(res, 200, {});
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
