/**
 * The request checks of OpenAI's `POST /v1/chat/completions`, as strict as the
 * real service where our clients could go wrong: unknown top-level arguments,
 * missing model or messages, malformed messages and tool calls, and tool
 * messages that answer no preceding tool call are all rejected with 400.
 */

/** A body that passed, or the message the real service would answer with 400. */
export type ChatCheck = { ok: true; value: ChatRequest } | { ok: false; message: string; param: string | null };

/** The parts of a valid request the fake server needs. */
export interface ChatRequest {
  model: string;
  messages: Record<string, unknown>[];
  tools: string[];
}

// Chat Completions request arguments (platform.openai.com/docs/api-reference/chat/create);
// the service answers "Unrecognized request argument supplied" to anything else.
const KNOWN_ARGUMENTS = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p',
  'max_tokens', 'max_completion_tokens', 'n', 'stop', 'stream', 'stream_options', 'presence_penalty',
  'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'response_format', 'seed', 'user',
  'store', 'metadata', 'reasoning_effort', 'service_tier', 'modalities', 'audio', 'prediction',
  'web_search_options', 'verbosity', 'safety_identifier', 'prompt_cache_key', 'functions', 'function_call',
]);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_TOOLS = 128;

const fail = (message: string, param: string | null = null): ChatCheck => ({ ok: false, message, param });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a parsed request body. */
export function checkChatRequest(body: unknown): ChatCheck {
  if (!isObject(body)) return fail('We could not parse the JSON body of your request.');
  for (const key of Object.keys(body)) {
    if (!KNOWN_ARGUMENTS.has(key)) return fail(`Unrecognized request argument supplied: ${key}`, key);
  }
  if (typeof body.model !== 'string' || body.model === '') return fail('you must provide a model parameter', 'model');
  if (body.stream === true) return fail('this fake server does not stream; send stream: false', 'stream');
  if (body.n !== undefined && body.n !== 1) return fail('this fake server answers n = 1 only', 'n');
  const tools = checkTools(body.tools);
  if (typeof tools === 'string') return fail(tools, 'tools');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return fail("'messages' must be a non-empty array", 'messages');
  }
  const problem = checkMessages(body.messages);
  if (problem !== undefined) return fail(problem.message, problem.param);
  return { ok: true, value: { model: body.model, messages: body.messages as Record<string, unknown>[], tools } };
}

/** Tool names, or a message saying what is wrong. */
function checkTools(tools: unknown): string[] | string {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) return "'tools' must be an array";
  if (tools.length > MAX_TOOLS) return `'tools' has ${tools.length} items; at most ${MAX_TOOLS} are allowed`;
  const names: string[] = [];
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
      return `tools[${i}] must be {type: 'function', function: {...}}`;
    }
    const name = tool.function.name;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) return `tools[${i}].function.name must match ${TOOL_NAME.source}`;
    const parameters = tool.function.parameters;
    if (parameters !== undefined && !isObject(parameters)) return `tools[${i}].function.parameters must be a JSON schema object`;
    names.push(name);
  }
  return names;
}

function checkMessages(messages: unknown[]): { message: string; param: string } | undefined {
  const requestedCallIds = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const param = `messages.[${i}]`;
    if (!isObject(message)) return { message: `${param} must be an object`, param };
    const role = message.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return { message: `${param}.role must be one of ${[...ROLES].join(', ')}`, param: `${param}.role` };
    }
    const problem = role === 'assistant'
      ? checkAssistant(message, requestedCallIds)
      : role === 'tool'
        ? checkTool(message, requestedCallIds)
        : checkContent(message.content, false);
    if (problem !== undefined) return { message: `${param}: ${problem}`, param };
  }
  return undefined;
}

function checkContent(content: unknown, optional: boolean): string | undefined {
  if (typeof content === 'string') return undefined;
  if ((content === undefined || content === null) && optional) return undefined;
  if (!Array.isArray(content)) return 'content must be a string or an array of content parts';
  for (const [k, part] of content.entries()) {
    if (!isObject(part) || typeof part.type !== 'string') return `content[${k}] must be a content part with a type`;
    if (part.type === 'text' && typeof part.text !== 'string') return `content[${k}].text must be a string`;
  }
  return undefined;
}

function checkAssistant(message: Record<string, unknown>, requestedCallIds: Set<string>): string | undefined {
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return checkContent(message.content, false);
  if (!Array.isArray(calls) || calls.length === 0) return 'tool_calls must be a non-empty array';
  for (const [k, call] of calls.entries()) {
    if (!isObject(call) || typeof call.id !== 'string' || call.type !== 'function' || !isObject(call.function)) {
      return `tool_calls[${k}] must be {id, type: 'function', function: {name, arguments}}`;
    }
    if (typeof call.function.name !== 'string' || typeof call.function.arguments !== 'string') {
      return `tool_calls[${k}].function needs a string name and string arguments`;
    }
    requestedCallIds.add(call.id);
  }
  return checkContent(message.content, true);
}

function checkTool(message: Record<string, unknown>, requestedCallIds: Set<string>): string | undefined {
  if (typeof message.tool_call_id !== 'string') return "a 'tool' message needs a string tool_call_id";
  // The service's rule: a tool message answers a tool call an earlier assistant message made.
  if (!requestedCallIds.has(message.tool_call_id)) {
    return "messages with role 'tool' must be a response to a preceding message with 'tool_calls'";
  }
  return checkContent(message.content, false);
}
