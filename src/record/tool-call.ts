import { context, SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_DESCRIPTION,
  GEN_AI_TOOL_NAME,
  GEN_AI_TOOL_TYPE,
  OPERATION_EXECUTE_TOOL,
} from '../attributes.js';
import { bestEffort } from './best-effort.js';
import { runInSpan, type Recorded } from './run-in-span.js';
import { toSafeJson } from './safe-json.js';

/** Optional details of {@link withToolCall}. */
export interface ToolCallOptions {
  /** The id the model gave this call (`gen_ai.tool.call.id`), to join it to the completion that asked for it. */
  callId?: string;
  /** `function`, `extension` or `datastore` (`gen_ai.tool.type`). */
  type?: string;
  description?: string;
  /** Extra span attributes. */
  attributes?: Attributes;
}

/**
 * Runs one tool execution as an `execute_tool {name}` span carrying the
 * arguments and the result (JSON, truncated past the content limit). A throw
 * or rejection is recorded and re-thrown unchanged; the span always ends.
 *
 * @example
 * const rows = await withToolCall('search_orders', { customer: 42 }, () => db.searchOrders(42));
 */
export function withToolCall<T>(
  name: string,
  args: unknown,
  fn: (span: Span) => T,
  options: ToolCallOptions = {},
): Recorded<T> {
  const attributes = bestEffort(
    () => toolAttributes(name, args, options),
    (): Attributes => ({ [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL, [GEN_AI_TOOL_NAME]: String(name) }),
  );
  return runInSpan(
    `${OPERATION_EXECUTE_TOOL} ${name}`,
    { kind: SpanKind.INTERNAL, attributes },
    context.active(),
    fn,
    (span, value) => {
      if (value !== undefined) span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toSafeJson(value));
    },
  );
}

function toolAttributes(name: string, args: unknown, options: ToolCallOptions): Attributes {
  const attributes: Attributes = {
    ...options.attributes,
    [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL,
    [GEN_AI_TOOL_NAME]: name,
  };
  if (args !== undefined) attributes[GEN_AI_TOOL_CALL_ARGUMENTS] = toSafeJson(args);
  if (options.callId) attributes[GEN_AI_TOOL_CALL_ID] = options.callId;
  if (options.type) attributes[GEN_AI_TOOL_TYPE] = options.type;
  if (options.description) attributes[GEN_AI_TOOL_DESCRIPTION] = options.description;
  return attributes;
}
