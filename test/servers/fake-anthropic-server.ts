import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkMessagesRequest } from './anthropic-validation.js';
import { anthropicErrorBody, renderMessage, streamEvents, type AnthropicReply } from './anthropic-replies.js';
import { listenOnLoopback, mediaTypeOf, parseJson, readBody, sendJson } from './loopback-server.js';
import type { ModelRequest } from './fake-openai-server.js';

export {
  anthropicErrorReply, anthropicResponseModelFor, anthropicTextReply, DEFAULT_ANTHROPIC_USAGE, fromModelReplies, toolUseReply,
} from './anthropic-replies.js';
export type { AnthropicReply, AnthropicUsage } from './anthropic-replies.js';

/** One request as the fake server saw it (recorded even when rejected), with its query string (`?beta=true`). */
export interface AnthropicRequest extends ModelRequest {
  query: string;
}

/**
 * `anthropic-version` values the service accepts: the one version of the
 * Messages API's docs, its predecessor, and the one @anthropic-ai/sdk 1.x sends.
 */
export const ANTHROPIC_VERSIONS: readonly string[] = Object.freeze(['2023-01-01', '2023-06-01', '2026-10-21']);

export interface FakeAnthropicServer {
  /** `http://127.0.0.1:<port>`: the Anthropic base URL (clients append `/v1/messages`). */
  url: string;
  /** The one valid API key (`x-api-key`). */
  apiKey: string;
  /** Every request in arrival order, rejected ones and other paths included. */
  requests: AnthropicRequest[];
  /** Appends answers for the next valid `POST /v1/messages` requests, consumed in order. */
  enqueue(...replies: AnthropicReply[]): void;
  /** Scripted answers not yet used. */
  pendingReplies(): number;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown } | { status: 200; events: Array<{ event: string; data: unknown }> };

const error = (status: number, message: string, type?: string): Reply => ({ status, body: anthropicErrorBody(status, message, type) });

/** route → method → key → version → media type → JSON → request checks → the next scripted reply. */
function handle(apiKey: string, req: ModelRequest, replies: AnthropicReply[], n: number): Reply {
  if (req.path !== '/v1/messages') return error(404, 'Not Found', 'not_found_error');
  if (req.method !== 'POST') return error(405, `Method Not Allowed: ${req.method} ${req.path}`, 'invalid_request_error');
  // The key comes as `x-api-key` (the Messages API docs, the Claude CLI) or as
  // `Authorization: Bearer` (@anthropic-ai/sdk 1.x sends API keys that way).
  const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const key = req.headers['x-api-key'] || bearer;
  if (key === undefined || key === '') return error(401, 'x-api-key header is required', 'authentication_error');
  if (key !== apiKey) return error(401, 'invalid x-api-key', 'authentication_error');
  const version = req.headers['anthropic-version'];
  if (version === undefined) return error(400, 'anthropic-version: header is required');
  if (typeof version !== 'string' || !ANTHROPIC_VERSIONS.includes(version)) {
    return error(400, `anthropic-version: invalid version '${String(version)}'`);
  }
  if (mediaTypeOf(req.headers['content-type']) !== 'application/json') return error(400, 'Content-Type must be application/json');
  if (req.body === undefined) return error(400, 'Invalid request body: the body is not valid JSON');
  const check = checkMessagesRequest(req.body);
  if (!check.ok) return error(400, check.message);
  const reply = replies.shift();
  // A test that asks more of the model than it scripted sees it at once.
  if (reply === undefined) return error(500, 'fake-anthropic: no scripted reply left for this request', 'api_error');
  if (reply.kind === 'error') return error(reply.status, reply.message ?? 'Internal server error', reply.type);
  if (reply.kind === 'tool_use' && !check.value.tools.includes(reply.name)) {
    return error(500, `fake-anthropic: scripted tool '${reply.name}' is not among the request's tools (${check.value.tools.join(', ')})`, 'api_error');
  }
  const message = renderMessage(reply, check.value, n);
  return check.value.stream ? { status: 200, events: streamEvents(message) } : { status: 200, body: message };
}

function send(res: ServerResponse, reply: Reply, requestId: string): number {
  if (!('events' in reply)) return sendJson(res, reply.status, reply.body, { 'request-id': requestId });
  if (res.destroyed) return 0;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId });
  res.end(reply.events.map(({ event, data }) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(''));
  return 200;
}

/**
 * Starts a strict, Anthropic-compatible `POST /v1/messages` on 127.0.0.1
 * (port 0). It checks the key (`x-api-key` or a bearer token), `anthropic-version` and the request as
 * the real service does, answers from a queue of scripted replies (a
 * `tool_use`, text, an error; as JSON, or as server-sent events when the
 * request says `stream: true`) and records every request, whatever its path.
 * Nothing in-process is mocked: clients reach it over a real socket.
 *
 * @example
 * const fake = await startFakeAnthropicServer();
 * fake.enqueue(toolUseReply('get_weather', { city: 'Oslo' }), anthropicTextReply('12 °C'));
 * const client = new Anthropic({ baseURL: fake.url, apiKey: fake.apiKey, maxRetries: 0 });
 * await fake.close();
 */
export async function startFakeAnthropicServer(options: { apiKey?: string } = {}): Promise<FakeAnthropicServer> {
  const apiKey = options.apiKey ?? 'sk-ant-fake-key';
  const requests: AnthropicRequest[] = [];
  const replies: AnthropicReply[] = [];
  let answered = 0;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: AnthropicRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, headers: req.headers, body: undefined, status: 0 };
    requests.push(record);
    const requestId = `req_fake${String(requests.length).padStart(4, '0')}`;
    try {
      record.body = parseJson((await readBody(req)).toString('utf8'));
      record.status = send(res, handle(apiKey, record, replies, ++answered), requestId);
    } catch (cause) {
      if (!res.headersSent) record.status = sendJson(res, 500, anthropicErrorBody(500, `fake-anthropic: ${String(cause)}`));
    }
  }

  const loopback = await listenOnLoopback((req, res) => void onRequest(req, res));
  return {
    url: loopback.url,
    apiKey,
    requests,
    enqueue: (...more) => void replies.push(...more),
    pendingReplies: () => replies.length,
    close: () => loopback.close(),
  };
}
