import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, mediaTypeOf, parseJson, readBody, sendJson } from './loopback-server.js';
import { checkChatRequest } from './openai-chat-validation.js';
import { renderReply, type ModelReply } from './openai-replies.js';
import { createResponsesLog, renderResponsesReply, type ResponsesLog } from './openai-responses-replies.js';
import { checkResponsesRequest } from './openai-responses-validation.js';

export { DEFAULT_USAGE, errorReply, responseModelFor, textReply, toolCallReply } from './openai-replies.js';
export type { ModelReply, ScriptedUsage } from './openai-replies.js';

/** One request as the fake model server saw it, recorded even when rejected. */
export interface ModelRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** What the server answered (0 while pending). */
  status: number;
}

export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>`; the OpenAI base URL is `${url}/v1`. */
  url: string;
  /** The one valid API key. */
  apiKey: string;
  /** Every request in arrival order, rejected ones included. */
  requests: ModelRequest[];
  /** Appends answers for the next valid model requests (either route), consumed in order. */
  enqueue(...replies: ModelReply[]): void;
  /** Scripted answers not yet used. */
  pendingReplies(): number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

function openAiError(status: number, message: string, type: string, code: string | null, param: string | null = null): Reply {
  return { status, body: { error: { message, type, param, code } } };
}

/** A request that passed its route's checks: the tools it offers, and how its route renders a reply. */
type Checked = { ok: true; tools: readonly string[]; render(reply: ModelReply, n: number): Reply } | { ok: false; reply: Reply };

const CHAT_PATH = '/v1/chat/completions';
const RESPONSES_PATH = '/v1/responses';

function checkRoute(path: string, body: unknown, log: ResponsesLog): Checked {
  if (path === CHAT_PATH) {
    const check = checkChatRequest(body);
    if (!check.ok) return { ok: false, reply: openAiError(400, check.message, 'invalid_request_error', null, check.param) };
    return { ok: true, tools: check.value.tools, render: (reply, n) => renderReply(reply, check.value, n) };
  }
  const check = checkResponsesRequest(body, log);
  if (!check.ok) return { ok: false, reply: openAiError(400, check.message, 'invalid_request_error', check.code, check.param) };
  return {
    ok: true,
    tools: check.value.tools,
    render(reply, n) {
      const rendered = renderResponsesReply(reply, check.value, n);
      if (rendered.status === 200) log.remember(check.value, rendered.body);
      return rendered;
    },
  };
}

/** auth → route → method → media type → JSON → request checks → the next scripted reply. */
function handle(apiKey: string, req: ModelRequest, replies: ModelReply[], n: number, log: ResponsesLog): Reply {
  // OpenAI authenticates before routing: a wrong key is 401 on any path.
  const auth = /^bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (auth === null) {
    return openAiError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.", 'invalid_request_error', null);
  }
  if (auth[1] !== apiKey) return openAiError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  if (req.path !== CHAT_PATH && req.path !== RESPONSES_PATH) return openAiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error', null);
  if (req.method !== 'POST') return openAiError(405, `Invalid method ${req.method} for ${req.path}`, 'invalid_request_error', null);
  if (mediaTypeOf(req.headers['content-type']) !== 'application/json') {
    return openAiError(400, 'Content-Type must be application/json.', 'invalid_request_error', null);
  }
  const check = checkRoute(req.path, req.body, log);
  if (!check.ok) return check.reply;
  const reply = replies.shift();
  if (reply === undefined) {
    // A test that asks more of the model than it scripted sees it at once.
    return openAiError(500, 'fake-openai: no scripted reply left for this request', 'server_error', null);
  }
  if (reply.kind === 'tool_call' && !check.tools.includes(reply.name)) {
    return openAiError(500, `fake-openai: scripted tool '${reply.name}' is not among the request's tools`, 'server_error', null);
  }
  return check.render(reply, n);
}

/**
 * Starts a strict, OpenAI-compatible `POST /v1/chat/completions` and
 * `POST /v1/responses` on 127.0.0.1 (port 0). It checks the bearer key and the
 * request as the real service does, answers both routes from one queue of
 * scripted replies (a tool call, text, an error) and records every request. Nothing in-process is mocked: clients
 * reach it over a real socket.
 *
 * @example
 * const fake = await startFakeOpenAIServer();
 * fake.enqueue(toolCallReply('get_weather', { city: 'Oslo' }), textReply('12 °C'), errorReply(500));
 * const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: fake.apiKey, maxRetries: 0 });
 * await fake.close();
 */
export async function startFakeOpenAIServer(options: { apiKey?: string } = {}): Promise<FakeOpenAIServer> {
  const apiKey = options.apiKey ?? 'sk-fake-openai-key';
  const requests: ModelRequest[] = [];
  const replies: ModelReply[] = [];
  const responses = createResponsesLog();
  let answered = 0;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: ModelRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body: undefined, status: 0 };
    requests.push(record);
    try {
      const raw = (await readBody(req)).toString('utf8');
      record.body = parseJson(raw);
      const reply = handle(apiKey, record, replies, ++answered, responses);
      record.status = sendJson(res, reply.status, reply.body);
    } catch (cause) {
      if (!res.headersSent) record.status = sendJson(res, 500, { error: { message: `fake-openai: ${String(cause)}`, type: 'server_error', param: null, code: null } });
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
