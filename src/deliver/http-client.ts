/**
 * A keep-alive connection pool to one origin (undici `Pool`). Requests
 * resolve to a value, never throw: connection errors and timeouts come back
 * as `{ ok: false }` for the retry policy to judge.
 */
import { Pool } from 'undici';
import { untilAborted } from './until-aborted.js';


/** One request as {@link HttpClient.request} takes it apart. */
interface OutgoingRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** An answer from the server; `body` is capped at `maxResponseBytes`. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export type HttpResult =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly error: string };

export interface HttpClientConfig {
  maxConnections: number;
  timeoutMillis: number;
  /** Longer answers are cut: audit APIs answer with small JSON documents. */
  maxResponseBytes: number;
}

export class HttpClient {
  private readonly pool: Pool;
  private readonly pathPrefix: string;

  /** @param baseUrl origin plus an optional path prefix, e.g. `https://api.example.com/audit`. */
  constructor(baseUrl: string, private readonly config: HttpClientConfig) {
    const url = new URL(baseUrl);
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: config.maxConnections,
      headersTimeout: config.timeoutMillis,
      bodyTimeout: config.timeoutMillis,
      connectTimeout: config.timeoutMillis,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * One request; settles as soon as `signal` aborts, even while undici still
   * holds it queued behind busy connections (it drops it when dispatching).
   * The whole exchange, answer body included, must complete within
   * `timeoutMillis`: undici's own timeouts only bound the gaps between
   * chunks, so a server trickling a byte a second would hold it forever.
   */
  async request(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<HttpResult> {
    const attempt = new AbortController();
    const cancel = (): void => attempt.abort(signal.reason);
    signal.addEventListener('abort', cancel, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), attempt.abort()), this.config.timeoutMillis);
    timer.unref();
    if (signal.aborted) cancel();
    try {
      return await untilAborted(this.send({ method, path, headers, body, signal: attempt.signal }), attempt.signal, () =>
        timedOut
          ? { ok: false, error: `timeout: no complete answer within ${this.config.timeoutMillis} ms` }
          : { ok: false, error: 'AbortError: the request was aborted' },
      );
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
    }
  }

  private async send({ method, path, headers, body, signal }: OutgoingRequest): Promise<HttpResult> {
    try {
      const response = await this.pool.request({
        method,
        path: this.pathPrefix + path,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body,
        signal,
      });
      const text = await readCapped(response.body, this.config.maxResponseBytes);
      return { ok: true, response: { status: response.statusCode, headers: response.headers, body: text } };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  close(): Promise<void> {
    return this.pool.close().catch(() => undefined);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      body.destroy();
      break;
    }
    size += chunk.length;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? ` (${cause.message})` : '';
    return `${typeof code === 'string' ? code + ': ' : ''}${error.message}${detail}`;
  }
  return String(error);
}
