/**
 * Our audit events → AgentOps requests (audit-apis.md §2): one batch of one
 * session becomes a plan of `create_events`, `update_events` and the
 * session's end. Pure: the caller records the LLM halves it carries as
 * attempted before sending the plan, and as confirmed once it went through.
 */
import type { AuditEvent } from '../../model/audit-event.js';
import {
  completionFields,
  customEvent,
  errorEvent,
  promptFields,
  sessionEnd,
  startOf,
  toolEvent,
  type AgentOpsEvent,
  type AgentOpsEventUpdate,
  type AgentOpsSessionEnd,
} from './agentops-wire.js';
import type { LlmHalf, SplitCallProgress } from './agentops-split-calls.js';
import { derivedUuid } from './derived-uuid.js';

export type { AgentOpsEvent, AgentOpsEventUpdate, AgentOpsSessionEnd } from './agentops-wire.js';

/** What one batch becomes, in the order it must be sent. */
export interface AgentOpsBatchPlan {
  /** The session.start event's time, when the batch holds it: the session's real start. */
  sessionStart?: string;
  /** The batch's earliest event time: the session's start when session.start is unknown. */
  earliest: string;
  /** Agents the created events name, in first-use order (each needs `create_agent` first). */
  agentNames: string[];
  create: AgentOpsEvent[];
  update: AgentOpsEventUpdate[];
  /** Set when the batch holds the session's `session.end`: sent after everything else. */
  end?: AgentOpsSessionEnd;
  /** Halves of LLM calls split over batches that this batch carries (keyed by trace and span). */
  splitHalves: Array<[string, LlmHalf]>;
  /** Spans that ended in error: a split LLM call among them gets no completion. */
  failedSpans: string[];
}

/** What the session knows of a split LLM call: see SplitLlmCalls.progress. */
export type SplitCallLookup = (key: string) => Readonly<SplitCallProgress> | 'unknown';

/**
 * Plans one batch. `progressOf` says what earlier batches sent of each LLM
 * call; `agentIdOf` gives the AgentOps id of an agent name.
 *
 * @example
 * const calls = new SplitLlmCalls(128);
 * const plan = planAgentOpsBatch(events, (key) => calls.progress(key), (name) => derivedUuid(`agent:${name}`));
 */
export function planAgentOpsBatch(
  events: readonly AuditEvent[],
  progressOf: SplitCallLookup,
  agentIdOf: (agentName: string) => string,
): AgentOpsBatchPlan {
  const plan: AgentOpsBatchPlan = { earliest: earliest(events), agentNames: [], create: [], update: [], splitHalves: [], failedSpans: [] };
  const halves = halvesInBatch(events);
  const agents = new Set<string>();
  const add = (event: AuditEvent, wire: AgentOpsEvent): void => {
    if (event.agentName) {
      if (!agents.has(event.agentName)) plan.agentNames.push(event.agentName);
      agents.add(event.agentName);
      plan.create.push({ ...wire, agent_id: agentIdOf(event.agentName) });
    } else {
      plan.create.push(wire);
    }
  };
  for (const event of events) {
    const key = `${event.traceId}-${event.spanId}`;
    const role = event.id.slice(key.length + 1);
    if (event.type === 'custom' && role === 'session.start') plan.sessionStart = event.timestamp;
    else if (event.type === 'custom' && role === 'session.end') plan.end = sessionEnd(event);
    else if (event.type === 'prompt' || event.type === 'completion') planLlmHalf(event, key, halves.get(key), progressOf(key), plan, add);
    else if (event.type === 'tool_call') add(event, toolEvent(event));
    else if (event.type === 'error') {
      add(event, errorEvent(event));
      // A failed call gets no completion: a split one is complete once this is delivered.
      if (!halves.get(key)?.prompt) plan.failedSpans.push(key);
    } else add(event, customEvent(event));
  }
  return plan;
}

type BatchHalves = { prompt?: AuditEvent; completion?: AuditEvent; failed?: boolean };

function halvesInBatch(events: readonly AuditEvent[]): Map<string, BatchHalves> {
  const halves = new Map<string, BatchHalves>();
  for (const event of events) {
    if (event.type !== 'prompt' && event.type !== 'completion' && event.type !== 'error') continue;
    const key = `${event.traceId}-${event.spanId}`;
    const entry = halves.get(key) ?? {};
    if (event.type === 'error') entry.failed = true;
    else entry[event.type] = event;
    halves.set(key, entry);
  }
  return halves;
}

/**
 * One LLM call is one `llm` event. Both halves in this batch: one merged
 * event. The other half confirmed stored: an update of its event. Else this
 * half creates the event — and when the other half may have been stored
 * (attempted without a confirmation, or forgotten), updates it too: the
 * create is then dropped as a duplicate id, the update is not. Both are
 * idempotent by id, so any order of retries ends with both halves stored.
 * A lone completion always updates too: its prompt may have gone untracked,
 * in the batch of a call given up as failed (prompt + error) whose span
 * then ended after all.
 */
function planLlmHalf(
  event: AuditEvent,
  key: string,
  inBatch: BatchHalves | undefined,
  progress: Readonly<SplitCallProgress> | 'unknown',
  plan: AgentOpsBatchPlan,
  add: (event: AuditEvent, wire: AgentOpsEvent) => void,
): void {
  const id = derivedUuid(`llm:${key}`);
  const half = event.type as LlmHalf;
  const prompt = inBatch?.prompt;
  const completion = inBatch?.completion;
  if (half === 'completion' && prompt) return; // merged into the prompt's event
  if (half === 'prompt' && completion) {
    add(event, { id, type: 'llm', ...promptFields(event.payload, event.timestamp), ...completionFields(completion) });
    return;
  }
  const fields = half === 'prompt' ? promptFields(event.payload, event.timestamp) : completionFields(event);
  const other = progress === 'unknown' ? 'attempted' : progress[half === 'prompt' ? 'completion' : 'prompt'];
  if (!inBatch?.failed) plan.splitHalves.push([key, half]);
  if (other !== 'sent') add(event, { id, type: 'llm', init_timestamp: half === 'prompt' ? event.timestamp : startOf(event), ...fields });
  if (other !== undefined || half === 'completion') plan.update.push({ event_id: id, ...fields });
}

function earliest(events: readonly AuditEvent[]): string {
  let first = events[0]?.timestamp ?? new Date().toISOString();
  for (const event of events) if (event.timestamp < first) first = event.timestamp;
  return first;
}
