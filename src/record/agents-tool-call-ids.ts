/**
 * The tool-call id of an OpenAI Agents SDK function span. The SDK's
 * `function` span names the tool and holds its arguments but not the id the
 * model gave the call; the model call before it does (`tool_calls[].id` of a
 * chat completion, `call_id` of a Responses `function_call`). A function
 * span of one run takes the id of the first call the model asked for with
 * that tool name and the same arguments (else the same name), each id once.
 */
import { member, nonEmptyText } from '../model/foreign-value.js';

interface RequestedCall {
  readonly id: string;
  readonly name: string;
  readonly args: string | undefined;
}

/** Calls asked for and not yet run, per run; the oldest are forgotten past this many. */
const MAX_PENDING = 128;

export class RequestedToolCalls {
  private pending: RequestedCall[] = [];

  /**
   * The calls a finished model call asked for: `output` is a generation's
   * `output` (a list of chat completions) or a response span's `_response`.
   */
  requested(output: unknown): void {
    for (const call of requestedCalls(output)) this.pending.push(call);
    if (this.pending.length > MAX_PENDING) this.pending = this.pending.slice(-MAX_PENDING);
  }

  /** The id of the call the tool `name` ran with `args` for, taken so no other span gets it. */
  take(name: string, args: string | undefined): string | undefined {
    let index = this.pending.findIndex((call) => call.name === name && call.args === args);
    if (index < 0) index = this.pending.findIndex((call) => call.name === name);
    if (index < 0) return undefined;
    const [call] = this.pending.splice(index, 1);
    return call?.id;
  }
}

function requestedCalls(output: unknown): RequestedCall[] {
  const calls: RequestedCall[] = [];
  // Chat Completions: the generation's output is the list of responses.
  for (const completion of list(output)) {
    for (const choice of list(member(completion, 'choices'))) {
      for (const call of list(member(member(choice, 'message'), 'tool_calls'))) {
        const fn = member(call, 'function');
        add(calls, nonEmptyText(member(call, 'id')), nonEmptyText(member(fn, 'name')), member(fn, 'arguments'));
      }
    }
  }
  // Responses API: `function_call` items of the response's output.
  for (const item of list(member(output, 'output'))) {
    if (member(item, 'type') === 'function_call') add(calls, nonEmptyText(member(item, 'call_id')), nonEmptyText(member(item, 'name')), member(item, 'arguments'));
  }
  return calls;
}

function add(calls: RequestedCall[], id: string | undefined, name: string | undefined, args: unknown): void {
  if (id !== undefined && name !== undefined) calls.push({ id, name, args: typeof args === 'string' ? args : undefined });
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
