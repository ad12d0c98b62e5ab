import { SpanStatusCode, trace, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { DEFAULT_CONVERTERS } from '../../../src/convert/to-audit-events.js';
import { toAuditEvents } from '../../../src/index.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';
import { it } from '../../support/audit-test.js';

/** One convention: its marker attribute and values, the keys it reads, and its flattened lists. */
interface Convention {
  marker?: [key: string, values: readonly AttributeValue[]];
  keys: readonly string[];
  indexed: ReadonlyArray<[prefix: string, rests: readonly string[]]>;
  names: readonly string[];
}

const OI_MESSAGE = ['message.role', 'message.content', 'message.name', 'message.tool_call_id', 'message.function_call_name', 'message.function_call_arguments_json',
  'message.contents.0.message_content.type', 'message.contents.1.message_content.text', 'message.contents.x.message_content.image.image.url',
  'message.tool_calls.0.tool_call.id', 'message.tool_calls.0.tool_call.function.name', 'message.tool_calls.3.tool_call.function.arguments', '__proto__', 'constructor'];
const TL_MESSAGE = ['role', 'content', 'tool_call_id', 'finish_reason', 'tool_calls.0.name', 'tool_calls.0.arguments', 'tool_calls.1.id', 'function_call.name', 'function_call.arguments', '__proto__'];

const CONVENTIONS: Record<string, Convention> = {
  openinference: {
    marker: ['openinference.span.kind', ['LLM', 'TOOL', 'AGENT', 'CHAIN', 'EMBEDDING', 'llm', '', 'UNKNOWN']],
    keys: ['input.value', 'output.value', 'input.mime_type', 'llm.model_name', 'llm.request.model_name', 'llm.response.model_name', 'llm.provider', 'llm.system',
      'llm.invocation_parameters', 'llm.finish_reason', 'llm.token_count.prompt', 'llm.token_count.completion', 'llm.token_count.total',
      'llm.token_count.prompt_details.cache_read', 'llm.token_count.completion_details.reasoning', 'tool.name', 'tool.id', 'tool_call.id', 'session.id', 'agent.name', 'embedding.model_name'],
    indexed: [['llm.input_messages', OI_MESSAGE], ['llm.output_messages', OI_MESSAGE]],
    names: ['OpenAI Chat Completions', 'tool'],
  },
  langsmith: {
    marker: ['langsmith.span.kind', ['llm', 'tool', 'chain', 'LLM', 'retriever', '']],
    keys: ['gen_ai.prompt', 'gen_ai.completion', 'langsmith.trace.name', 'langsmith.metadata.session_id', 'langsmith.metadata.thread_id', 'langsmith.metadata.ls_model_name',
      'langsmith.metadata.ls_provider', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.system', 'gen_ai.usage.input_tokens'],
    indexed: [],
    names: ['ChatOpenAI', 'run'],
  },
  traceloop: {
    marker: ['traceloop.span.kind', ['workflow', 'task', 'agent', 'tool', 'session', 'unknown', '']],
    keys: ['traceloop.entity.name', 'traceloop.entity.input', 'traceloop.entity.output', 'traceloop.association.properties.session_id', 'llm.request.type',
      'gen_ai.system', 'gen_ai.request.model', 'gen_ai.request.temperature', 'gen_ai.response.model', 'gen_ai.response.id', 'gen_ai.usage.prompt_tokens',
      'gen_ai.usage.completion_tokens', 'llm.usage.total_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.reasoning_tokens', 'gen_ai.operation.name'],
    indexed: [['gen_ai.prompt', TL_MESSAGE], ['gen_ai.completion', TL_MESSAGE]],
    names: ['openai.chat', 'x.tool', '.tool', 'support.workflow'],
  },
  vercel: {
    marker: ['ai.operationId', ['ai.generateText', 'ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.toolCall', 'ai.embed.doEmbed', 'ai.', 'ai..', 'ai', '']],
    keys: ['ai.prompt', 'ai.prompt.messages', 'ai.response.text', 'ai.response.object', 'ai.response.reasoning', 'ai.response.toolCalls', 'ai.response.finishReason',
      'ai.response.id', 'ai.response.model', 'ai.model.id', 'ai.model.provider', 'ai.settings.maxRetries', 'ai.usage.promptTokens', 'ai.usage.completionTokens',
      'ai.usage.inputTokens', 'ai.usage.outputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens', 'ai.toolCall.name', 'ai.toolCall.id', 'ai.toolCall.args',
      'ai.toolCall.result', 'ai.telemetry.functionId', 'ai.telemetry.metadata.sessionId', 'ai.telemetry.metadata.agentName', 'gen_ai.system', 'gen_ai.request.model',
      'gen_ai.response.finish_reasons', 'gen_ai.operation.name'],
    indexed: [],
    names: ['ai.generateText', 'ai.generateText.doGenerate', 'ai.toolCall', 'ai.', 'ai.embed'],
  },
  mastra: {
    marker: ['mastra.span.type', ['agent_run', 'model_generation', 'model_step', 'model_chunk', 'tool_call', '']],
    keys: ['gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.agent.name', 'gen_ai.conversation.id', 'mastra.metadata.runId', 'gen_ai.tool.name', 'gen_ai.input.messages'],
    indexed: [],
    names: ['agent run', 'chat gpt-4o-mini', 'step: 0', 'execute_tool get_weather'],
  },
  genai: {
    keys: ['gen_ai.operation.name', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens',
      'gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.total_tokens', 'gen_ai.tool.name', 'gen_ai.tool.call.arguments', 'mcp.method.name', 'gen_ai.input.messages'],
    indexed: [],
    names: ['tools/call ', 'tools/call x', 'execute_tool ', 'chat m'],
  },
};

const HUGE = 'j'.repeat(200_000);
const JSON_TEXTS: readonly string[] = [
  '[{"role":"tool","tool_call_id":1,"content":{"a":1}}]',
  '[{"role":"assistant","tool_calls":"nope","function_call":{"name":null}},null,7,"text"]',
  '[{"content":[null,1,true,{"type":"tool-result","output":null},{"type":"image_url","image_url":"x"},{"type":"file","file_id":3},{"type":{}}]}]',
  '[{"parts":[{"type":"tool-call","input":"{bad"},{"type":"tool_use"},{"type":"function_call","arguments":5}]}]',
  '{"messages":[[{"lc":1,"id":"notarray","kwargs":null},{"lc":1,"id":[],"kwargs":{"tool_calls":[null,{"name":1}]}}]]}',
  '{"messages":"x","prompts":[1,null,"p"],"input":[{"role":3}]}',
  '{"choices":[null,{"message":5},{"text":"t","finish_reason":7},{"message":{"tool_calls":[{"function":null}]}}]}',
  '{"generations":[[null,{"message":{"type":"constructor","content":[]}}],"x"],"content":null}',
  '{"args":"x","kwargs":null}', '{"args":[],"kwargs":{"a":1}}', '{"args":[1],"kwargs":[]}',
  '[{"toolCallId":null,"toolName":{},"input":"{bad"},null,{"args":{"deep":[1,[2,[3]]]}}]',
  '{"__proto__":{"polluted":true},"model":3,"constructor":{"prototype":{"polluted":true}}}',
  '{"id":{"not":"text"},"choices":{}}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `[${'{"role":"user","content":"x"},'.repeat(3000)}{}]`,
  '[{"role":', '{"unclosed": ', '"a json string"', 'true', '12', '', 'plain text',
];

function randomValue(r: Random): AttributeValue {
  switch (int(r, 8)) {
    case 0:
    case 1:
    case 2:
      return pick(r, JSON_TEXTS);
    case 3:
      return pick(r, [HUGE, `[${HUGE}`, `{"a":"${HUGE}"}`]);
    case 4:
      return pick(r, [0, -1, 1.5, 42, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, -0]);
    case 5:
      return r() < 0.5;
    case 6:
      return Array.from({ length: int(r, 4) }, () => pick(r, JSON_TEXTS));
    default:
      return Array.from({ length: int(r, 4) }, () => pick(r, [1, Number.NaN, -2]));
  }
}

const INDICES = ['0', '1', '2', '7', '999999', '1234567', '-1', 'x', '', '00'];

function randomAttributes(r: Random, convention: Convention): Attributes {
  const attributes: Attributes = {};
  if (convention.marker && r() < 0.9) attributes[convention.marker[0]] = r() < 0.8 ? pick(r, convention.marker[1]) : randomValue(r);
  for (let n = int(r, 14); n > 0; n--) attributes[pick(r, convention.keys)] = r() < 0.2 ? pick(r, ['chat', 'execute_tool', 'tools/call', 'x']) : randomValue(r);
  for (const [prefix, rests] of convention.indexed) {
    for (let n = int(r, 10); n > 0; n--) attributes[`${prefix}.${pick(r, INDICES)}.${pick(r, rests)}`] = r() < 0.4 ? pick(r, ['user', 'tool', 'assistant', 'text', 'image']) : randomValue(r);
  }
  // Markers of other conventions, so detection order is exercised too.
  if (r() < 0.2) attributes[pick(r, ['gen_ai.operation.name', 'llm.request.type', 'traceloop.span.kind', 'ai.operationId'])] = pick(r, ['chat', 'tool', 'ai.toolCall']);
  return attributes;
}

/** Instrumentation scopes: Vercel's `ai`, the agent frameworks' (framework-structure.ts), any other. */
const SCOPES = ['ai', 'other', '@arizeai/openinference-instrumentation-langchain', '@arizeai/openinference-instrumentation-openai-agents', '@traceloop/instrumentation-langchain'];

function randomSpan(r: Random): void {
  const convention = pick(r, Object.values(CONVENTIONS));
  const name = r() < 0.7 ? pick(r, convention.names) : pick(r, JSON_TEXTS).slice(0, 60);
  const span = trace.getTracer(pick(r, SCOPES)).startSpan(name, { attributes: randomAttributes(r, convention) });
  for (let n = int(r, 3); n > 0; n--) {
    const event = pick(r, ['gen_ai.content.prompt', 'gen_ai.content.completion', 'exception']);
    span.addEvent(event, { [pick(r, ['gen_ai.prompt', 'gen_ai.completion', 'exception.message'])]: randomValue(r) });
  }
  if (r() < 0.3) span.setStatus({ code: pick(r, [SpanStatusCode.ERROR, SpanStatusCode.OK]) });
  span.end();
}

describe('toAuditEvents on arbitrary attributes of every convention', () => {
  it('never throws, never needs the conversion fallback, and reaches every converter (600 seeded cases)', ({ tracing }) => {
    const seed = 0xc0de;
    const r = mulberry32(seed);
    const reached = new Map<string, number>();
    for (let iteration = 0; iteration < 600; iteration++) {
      tracing.memory.reset();
      for (let n = 1 + int(r, 3); n > 0; n--) randomSpan(r);
      const spans = tracing.memory.getFinishedSpans();
      for (const span of spans) {
        const converter = DEFAULT_CONVERTERS.find((c) => c.matches(span))?.name ?? 'none';
        reached.set(converter, (reached.get(converter) ?? 0) + 1);
      }
      const context = `seed ${seed}, iteration ${iteration}`;
      let events: ReturnType<typeof toAuditEvents> = [];
      expect(() => (events = toAuditEvents(spans)), context).not.toThrow();
      for (const event of events) {
        expect(event.payload.error_type, context).not.toBe('otel-agent-audit.conversion');
        expect(() => JSON.stringify(event), context).not.toThrow();
      }
      expect(new Set(events.map((e) => e.id)).size, context).toBe(events.length);
      expect(toAuditEvents(spans), context).toEqual(events);
    }
    for (const converter of DEFAULT_CONVERTERS) expect(reached.get(converter.name) ?? 0, converter.name).toBeGreaterThan(30);
    // Keys like __proto__ in attributes or JSON must stay plain keys.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
