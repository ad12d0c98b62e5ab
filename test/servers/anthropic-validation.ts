/**
 * The request checks of Anthropic's `POST /v1/messages`, as strict as the
 * real service where our clients could go wrong: unknown top-level fields,
 * a missing model or max_tokens, roles that do not alternate, malformed
 * content blocks, `tool_use` blocks left unanswered and `tool_result` blocks
 * that answer no preceding `tool_use` are all rejected with 400
 * `invalid_request_error`. Messages name the field the way the service does
 * (`messages.1.content.0.tool_use_id: …`).
 */

/** A body that passed, or the message the real service would answer with 400. */
export type MessagesCheck = { ok: true; value: MessagesRequest } | { ok: false; message: string };

/** The parts of a valid request the fake server needs. */
export interface MessagesRequest {
  model: string;
  stream: boolean;
  /** Names of the custom tools the request offers. */
  tools: string[];
  messages: Record<string, unknown>[];
}

// MessageCreateParams of the Messages API (stable and beta; `betas` is the
// beta client's body field the SDK moves into the `anthropic-beta` header,
// listed so a client that leaves it in is not told it is unknown).
const KNOWN_FIELDS = new Set([
  'model', 'messages', 'max_tokens', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature',
  'top_k', 'top_p', 'tools', 'tool_choice', 'thinking', 'service_tier', 'container', 'mcp_servers',
  'context_management', 'output_config', 'output_format', 'cache_control', 'inference_geo', 'speed',
  'diagnostics', 'compaction', 'fallbacks', 'fallback_credit_token', 'billing_policy', 'thread',
  'user_profile_id', 'workspace_id', 'betas',
]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;
const BLOCK_FIELDS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'cache_control', 'citations'],
  image: ['type', 'source', 'cache_control'],
  document: ['type', 'source', 'cache_control', 'citations', 'context', 'title'],
  tool_use: ['type', 'id', 'name', 'input', 'cache_control', 'caller'],
  tool_result: ['type', 'tool_use_id', 'content', 'is_error', 'cache_control'],
  thinking: ['type', 'thinking', 'signature'],
  redacted_thinking: ['type', 'data'],
};

type Problem = string | undefined;

const fail = (message: string): MessagesCheck => ({ ok: false, message });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a parsed request body. */
export function checkMessagesRequest(body: unknown): MessagesCheck {
  if (!isObject(body)) return fail('Invalid request body: expected a JSON object');
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) return fail(`${key}: Extra inputs are not permitted`);
  }
  if (body.model === undefined) return fail('model: Field required');
  if (typeof body.model !== 'string' || body.model === '') return fail('model: Input should be a valid string');
  if (body.max_tokens === undefined) return fail('max_tokens: Field required');
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
    return fail('max_tokens: Input should be an integer greater than or equal to 1');
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return fail('stream: Input should be a valid boolean');
  const system = checkSystem(body.system);
  if (system !== undefined) return fail(system);
  const tools = checkTools(body.tools);
  if (typeof tools === 'string') return fail(tools);
  const choice = checkToolChoice(body.tool_choice, tools);
  if (choice !== undefined) return fail(choice);
  if (body.messages === undefined) return fail('messages: Field required');
  if (!Array.isArray(body.messages)) return fail('messages: Input should be a valid list');
  const messages = checkMessages(body.messages);
  if (messages !== undefined) return fail(messages);
  return {
    ok: true,
    value: { model: body.model, stream: body.stream === true, tools, messages: body.messages as Record<string, unknown>[] },
  };
}

function checkSystem(system: unknown): Problem {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or a list of text blocks';
  for (const [i, block] of system.entries()) {
    if (!isObject(block) || block.type !== 'text') return `system.${i}.type: Input should be 'text'`;
    const problem = checkBlock(block, `system.${i}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Names of the custom tools, or a message saying what is wrong. */
function checkTools(tools: unknown): string[] | string {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names: string[] = [];
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool)) return `tools.${i}: Input should be a valid dictionary`;
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      return `tools.${i}.name: String should match pattern '${TOOL_NAME.source}'`;
    }
    if (names.includes(tool.name)) return `tools: Tool names must be unique. Found duplicate: ${tool.name}`;
    names.push(tool.name);
    // Server tools (`web_search_20250305`, …) carry a versioned type and no schema.
    if (tool.type !== undefined && tool.type !== 'custom') continue;
    if (!isObject(tool.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
    if (tool.input_schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      return `tools.${i}.custom.description: Input should be a valid string`;
    }
  }
  return names;
}

function checkToolChoice(choice: unknown, tools: string[]): Problem {
  if (choice === undefined) return undefined;
  if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(String(choice.type))) {
    return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  }
  if (choice.type === 'tool' && (typeof choice.name !== 'string' || !tools.includes(choice.name))) {
    return 'tool_choice.tool.name: Tool not found in tools';
  }
  return undefined;
}

function checkMessages(messages: unknown[]): Problem {
  if (messages.length === 0) return 'messages: at least one message is required';
  let previousRole: unknown;
  let openToolUses: string[] = [];
  for (const [i, message] of messages.entries()) {
    const at = `messages.${i}`;
    if (!isObject(message)) return `${at}: Input should be a valid dictionary`;
    for (const key of Object.keys(message)) {
      if (key !== 'role' && key !== 'content') return `${at}.${key}: Extra inputs are not permitted`;
    }
    if (message.role !== 'user' && message.role !== 'assistant') return `${at}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && message.role !== 'user') return 'messages: first message must use the "user" role';
    if (message.role === previousRole) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    }
    previousRole = message.role;
    const isFinal = i === messages.length - 1;
    const blocks = contentBlocks(message.content, at, !(isFinal && message.role === 'assistant'));
    if (typeof blocks === 'string') return blocks;
    for (const [k, block] of blocks.entries()) {
      const problem = checkBlock(block, `${at}.content.${k}`, message.role);
      if (problem !== undefined) return problem;
    }
    const problem = message.role === 'user' ? checkToolResults(blocks, openToolUses, i) : undefined;
    if (problem !== undefined) return problem;
    openToolUses = message.role === 'assistant'
      ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string)
      : [];
  }
  if (openToolUses.length > 0 && previousRole === 'assistant') {
    // A request that ends on the assistant's tool_use asks the model to continue a call nobody answered.
    return `messages.${messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${openToolUses.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  return undefined;
}

/** The content as blocks (a string is one text block), or what is wrong with it. */
function contentBlocks(content: unknown, at: string, mustBeNonEmpty: boolean): Record<string, unknown>[] | string {
  if (content === undefined) return `${at}.content: Field required`;
  const nonEmpty = `${at}: all messages must have non-empty content except for the optional final assistant message`;
  if (typeof content === 'string') {
    if (content === '' && mustBeNonEmpty) return nonEmpty;
    return content === '' ? [] : [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) return `${at}.content: Input should be a valid string or a list of content blocks`;
  if (content.length === 0 && mustBeNonEmpty) return nonEmpty;
  for (const [k, block] of content.entries()) {
    if (!isObject(block)) return `${at}.content.${k}: Input should be a valid dictionary`;
  }
  return content as Record<string, unknown>[];
}

function checkBlock(block: Record<string, unknown>, at: string, role?: unknown): Problem {
  const allowed = typeof block.type === 'string' ? BLOCK_FIELDS[block.type] : undefined;
  if (allowed === undefined) {
    return `${at}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags: ${Object.keys(BLOCK_FIELDS).map((t) => `'${t}'`).join(', ')}`;
  }
  for (const key of Object.keys(block)) {
    if (!allowed.includes(key)) return `${at}.${block.type}.${key}: Extra inputs are not permitted`;
  }
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return `${at}.text.text: Input should be a valid string`;
      if (block.text === '') return 'messages: text content blocks must be non-empty';
      return undefined;
    case 'tool_use':
      if (role !== 'assistant') return `${at}: \`tool_use\` blocks can only be in \`assistant\` messages`;
      if (typeof block.id !== 'string' || !TOOL_USE_ID.test(block.id)) {
        return `${at}.tool_use.id: String should match pattern '${TOOL_USE_ID.source}'`;
      }
      if (typeof block.name !== 'string' || block.name === '') return `${at}.tool_use.name: Field required`;
      if (!isObject(block.input)) return `${at}.tool_use.input: Input should be a valid dictionary`;
      return undefined;
    case 'tool_result':
      if (role !== 'user') return `${at}: \`tool_result\` blocks can only be in \`user\` messages`;
      if (typeof block.tool_use_id !== 'string' || !TOOL_USE_ID.test(block.tool_use_id)) {
        return `${at}.tool_result.tool_use_id: String should match pattern '${TOOL_USE_ID.source}'`;
      }
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
        return `${at}.tool_result.is_error: Input should be a valid boolean`;
      }
      return checkToolResultContent(block.content, `${at}.tool_result.content`);
    case 'thinking':
      if (typeof block.thinking !== 'string' || typeof block.signature !== 'string') {
        return `${at}.thinking: thinking and signature must be strings`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function checkToolResultContent(content: unknown, at: string): Problem {
  if (content === undefined || typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return `${at}: Input should be a valid string or a list of content blocks`;
  for (const [k, block] of content.entries()) {
    if (!isObject(block) || !['text', 'image', 'document', 'search_result'].includes(String(block.type))) {
      return `${at}.${k}: Input tag '${String(isObject(block) ? block.type : block)}' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'search_result'`;
    }
    if (block.type === 'text') {
      const problem = checkBlock(block, `${at}.${k}`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * The service's pairing rule: a user message right after an assistant
 * message with `tool_use` blocks answers each of them with a `tool_result`,
 * results first; a `tool_result` answers a `tool_use` of the message before.
 */
function checkToolResults(blocks: Record<string, unknown>[], openToolUses: string[], i: number): Problem {
  const results = blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string);
  const stray = results.filter((id) => !openToolUses.includes(id));
  if (stray.length > 0) {
    return `messages.${i}.content.${blocks.findIndex((b) => b.tool_use_id === stray[0])}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
  }
  const unanswered = openToolUses.filter((id) => !results.includes(id));
  if (unanswered.length > 0) {
    return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
  if (firstOther !== -1 && blocks.slice(firstOther).some((b) => b.type === 'tool_result')) {
    return `messages.${i}: \`tool_result\` blocks must come first in the content, before any other block`;
  }
  return undefined;
}
