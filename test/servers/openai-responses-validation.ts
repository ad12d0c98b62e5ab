/**
 * The request checks of OpenAI's `POST /v1/responses`, as strict as the real
 * service where our clients could go wrong: unknown parameters (top level and
 * inside input items), a missing model or input, Chat Completions shapes sent
 * to the Responses API (a `tool` role, `{function: {...}}` tools, `input_text`
 * in an assistant message), `function_call` items without their output and
 * outputs answering no call, call ids in the `fc_` id field, and strict tool
 * schemas the service would refuse. Messages and codes follow the service's
 * ("Unknown parameter: 'x'.", `unknown_parameter`, …).
 */

/** A body that passed, or what the real service would answer with 400. */
export type ResponsesCheck =
  | { ok: true; value: ResponsesRequest }
  | { ok: false; message: string; param: string | null; code: string | null };

/** The parts of a valid request the fake server needs. */
export interface ResponsesRequest {
  model: string;
  /** Names of the function tools offered. */
  tools: string[];
  /** The whole body: a Response echoes several request parameters. */
  body: Record<string, unknown>;
}

/** What the server answered before, for `previous_response_id` and `item_reference`. */
export interface ResponsesHistory {
  /** The `call_id`s of a stored response's function calls; undefined when no such response is stored. */
  callIdsOf(responseId: string): readonly string[] | undefined;
  /** A stored output item (`msg_…`, `fc_…`) by id. */
  item(id: string): Record<string, unknown> | undefined;
}

// Responses create parameters (platform.openai.com/docs/api-reference/responses/create).
const KNOWN_ARGUMENTS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_tool_calls',
  'max_output_tokens', 'temperature', 'top_p', 'top_logprobs', 'text', 'reasoning', 'include', 'store',
  'metadata', 'previous_response_id', 'conversation', 'prompt', 'prompt_cache_key', 'prompt_cache_retention',
  'prompt_cache_options', 'safety_identifier', 'service_tier', 'stream', 'stream_options', 'truncation',
  'user', 'background', 'context_management', 'moderation',
]);
// The fields each input item may carry (the SDK's ResponseInputItem types).
const ITEM_FIELDS: Record<string, Set<string>> = {
  message: new Set(['type', 'role', 'content', 'id', 'status', 'phase']),
  function_call: new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status', 'namespace', 'caller']),
  function_call_output: new Set(['type', 'id', 'call_id', 'output', 'status', 'caller']),
  item_reference: new Set(['type', 'id']),
};
const TOOL_FIELDS = new Set(['type', 'name', 'parameters', 'strict', 'description', 'allowed_callers', 'defer_loading', 'output_schema']);
const ROLES = ['assistant', 'system', 'developer', 'user'];
const INPUT_PARTS = ['input_text', 'input_image', 'input_file'];
const OUTPUT_PARTS = ['output_text', 'refusal'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_TOOLS = 128;

type Failure = Extract<ResponsesCheck, { ok: false }>;
const fail = (message: string, param: string | null, code: string | null = null): Failure => ({ ok: false, message, param, code });
const unknown = (param: string) => fail(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
const missing = (param: string) => fail(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ').replace(/, ([^,]*)$/, ', and $1');
const invalidValue = (param: string, value: unknown, supported: string[]) =>
  fail(`Invalid value: '${String(value)}'. Supported values are: ${quoted(supported)}.`, param, 'invalid_value');

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a parsed request body against what this server has answered before. */
export function checkResponsesRequest(body: unknown, history: ResponsesHistory): ResponsesCheck {
  if (!isObject(body)) return fail('We could not parse the JSON body of your request.', null);
  for (const key of Object.keys(body)) if (!KNOWN_ARGUMENTS.has(key)) return unknown(key);
  if (typeof body.model !== 'string' || body.model === '') return missing('model');
  if (body.stream === true) return fail('this fake server does not stream; send stream: false', 'stream');
  if (body.background === true) return fail('this fake server does not run background responses', 'background');
  if (body.conversation !== undefined && body.conversation !== null) return fail('this fake server keeps no conversations', 'conversation');
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') {
    return fail("Invalid type for 'instructions': expected a string.", 'instructions', 'invalid_type');
  }
  const tools = checkTools(body.tools);
  if (!Array.isArray(tools)) return tools;
  let calls: readonly string[] = [];
  if (typeof body.previous_response_id === 'string') {
    const previous = history.callIdsOf(body.previous_response_id);
    if (previous === undefined) {
      return fail(`Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found');
    }
    calls = previous;
  }
  if (body.input === undefined) {
    if (body.previous_response_id === undefined && body.prompt === undefined) return missing('input');
  } else if (typeof body.input !== 'string') {
    if (!Array.isArray(body.input)) {
      return fail("Invalid type for 'input': expected one of a string or an array of input items.", 'input', 'invalid_type');
    }
    const problem = checkItems(body.input, calls, history);
    if (problem !== undefined) return problem;
  }
  return { ok: true, value: { model: body.model, tools, body } };
}

/** Function tool names, or the failure. */
function checkTools(tools: unknown): string[] | Failure {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) return fail("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  if (tools.length > MAX_TOOLS) return fail(`'tools' has ${tools.length} items; at most ${MAX_TOOLS} are allowed`, 'tools');
  const names: string[] = [];
  for (const [i, tool] of tools.entries()) {
    const param = `tools[${i}]`;
    if (!isObject(tool)) return fail(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
    if (tool.type !== 'function') return fail(`this fake server offers function tools only, not '${String(tool.type)}'`, `${param}.type`);
    // A Chat Completions tool ({type, function: {...}}) fails here, as at the service.
    for (const key of Object.keys(tool)) if (!TOOL_FIELDS.has(key)) return unknown(`${param}.${key}`);
    if (tool.name === undefined) return missing(`${param}.name`);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      return fail(`Invalid '${param}.name': string does not match pattern ${TOOL_NAME.source}.`, `${param}.name`, 'invalid_value');
    }
    if (!('parameters' in tool)) return missing(`${param}.parameters`);
    if (tool.parameters !== null && !isObject(tool.parameters)) {
      return fail(`Invalid type for '${param}.parameters': expected an object.`, `${param}.parameters`, 'invalid_type');
    }
    if (tool.strict !== undefined && tool.strict !== null && typeof tool.strict !== 'boolean') {
      return fail(`Invalid type for '${param}.strict': expected a boolean.`, `${param}.strict`, 'invalid_type');
    }
    // Omitted strict is normalised to strict mode by the service; an explicit true must already comply.
    if (tool.strict === true && isObject(tool.parameters)) {
      const problem = strictSchemaProblem(tool.parameters, []);
      if (problem !== undefined) {
        return fail(`Invalid schema for function '${tool.name}': ${problem}`, `${param}.parameters`, 'invalid_function_parameters');
      }
    }
    names.push(tool.name);
  }
  return names;
}

/** Why a schema is not valid in strict mode (objects: additionalProperties false, every property required). */
function strictSchemaProblem(schema: Record<string, unknown>, path: string[]): string | undefined {
  const context = `In context=(${path.map((p) => `'${p}'`).join(', ')})`;
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (schema.type === 'object' || properties !== undefined) {
    if (schema.additionalProperties !== false) return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
    const required = Array.isArray(schema.required) ? schema.required : [];
    const absent = Object.keys(properties ?? {}).filter((key) => !required.includes(key));
    if (absent.length > 0) {
      return `${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${absent[0]}'.`;
    }
  }
  const children: Array<[string[], unknown]> = [
    ...Object.entries(properties ?? {}).map(([key, value]): [string[], unknown] => [[...path, 'properties', key], value]),
    [[...path, 'items'], schema.items],
  ];
  for (const [childPath, child] of children) {
    if (!isObject(child)) continue;
    const problem = strictSchemaProblem(child, childPath);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Input items in order; `previousCalls` are the call ids the previous response left to answer. */
function checkItems(items: unknown[], previousCalls: readonly string[], history: ResponsesHistory): Failure | undefined {
  const open = new Set(previousCalls);
  const called = new Set(previousCalls);
  for (const [i, item] of items.entries()) {
    const param = `input[${i}]`;
    if (!isObject(item)) return fail(`Invalid type for '${param}': expected an input item object.`, param, 'invalid_type');
    const type = item.type ?? 'message';
    const fields = typeof type === 'string' ? ITEM_FIELDS[type] : undefined;
    if (fields === undefined) return invalidValue(`${param}.type`, type, Object.keys(ITEM_FIELDS));
    for (const key of Object.keys(item)) if (!fields.has(key)) return unknown(`${param}.${key}`);
    let problem: Failure | undefined;
    if (type === 'message') problem = checkMessage(item, param);
    else if (type === 'function_call') problem = checkFunctionCall(item, param, called, open);
    else if (type === 'function_call_output') problem = checkFunctionCallOutput(item, param, called, open);
    else problem = checkReference(item, param, history, called, open);
    if (problem !== undefined) return problem;
  }
  // The service refuses a history with a call the model asked for and nobody answered.
  const [unanswered] = open;
  return unanswered === undefined ? undefined : fail(`No tool output found for function call ${unanswered}.`, 'input');
}

function checkMessage(item: Record<string, unknown>, param: string): Failure | undefined {
  if (item.role === undefined) return missing(`${param}.role`);
  if (typeof item.role !== 'string' || !ROLES.includes(item.role)) return invalidValue(`${param}.role`, item.role, ROLES);
  if (item.id !== undefined && (typeof item.id !== 'string' || !item.id.startsWith('msg'))) {
    return fail(`Invalid '${param}.id': '${String(item.id)}'. Expected an ID that begins with 'msg'.`, `${param}.id`, 'invalid_value');
  }
  if (item.content === undefined) return missing(`${param}.content`);
  if (typeof item.content === 'string') return undefined;
  if (!Array.isArray(item.content)) {
    return fail(`Invalid type for '${param}.content': expected one of a string or an array of content parts.`, `${param}.content`, 'invalid_type');
  }
  // An assistant message replays model output; every other role sends input parts.
  const allowed = item.role === 'assistant' ? OUTPUT_PARTS : INPUT_PARTS;
  for (const [k, part] of item.content.entries()) {
    const partParam = `${param}.content[${k}]`;
    if (!isObject(part)) return fail(`Invalid type for '${partParam}': expected an object.`, partParam, 'invalid_type');
    if (typeof part.type !== 'string' || !allowed.includes(part.type)) return invalidValue(`${partParam}.type`, part.type, allowed);
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text !== 'string') return missing(`${partParam}.text`);
  }
  return undefined;
}

function checkFunctionCall(item: Record<string, unknown>, param: string, called: Set<string>, open: Set<string>): Failure | undefined {
  for (const key of ['call_id', 'name', 'arguments']) {
    if (typeof item[key] !== 'string') return missing(`${param}.${key}`);
  }
  // The item id is the service's own `fc_…`; a client putting the call id there is refused.
  if (item.id !== undefined && (typeof item.id !== 'string' || !item.id.startsWith('fc'))) {
    return fail(`Invalid '${param}.id': '${String(item.id)}'. Expected an ID that begins with 'fc'.`, `${param}.id`, 'invalid_value');
  }
  called.add(item.call_id as string);
  open.add(item.call_id as string);
  return undefined;
}

function checkFunctionCallOutput(item: Record<string, unknown>, param: string, called: Set<string>, open: Set<string>): Failure | undefined {
  if (typeof item.call_id !== 'string') return missing(`${param}.call_id`);
  if (item.output === undefined) return missing(`${param}.output`);
  if (typeof item.output !== 'string' && !Array.isArray(item.output)) {
    return fail(`Invalid type for '${param}.output': expected one of a string or an array of content parts.`, `${param}.output`, 'invalid_type');
  }
  if (!called.has(item.call_id)) return fail(`No tool call found for function call output with call_id ${item.call_id}.`, 'input');
  open.delete(item.call_id);
  return undefined;
}

function checkReference(item: Record<string, unknown>, param: string, history: ResponsesHistory, called: Set<string>, open: Set<string>): Failure | undefined {
  if (typeof item.id !== 'string') return missing(`${param}.id`);
  const stored = history.item(item.id);
  if (stored === undefined) return fail(`Item with id '${item.id}' not found.`, 'input');
  if (stored.type === 'function_call' && typeof stored.call_id === 'string') {
    called.add(stored.call_id);
    open.add(stored.call_id);
  }
  return undefined;
}
