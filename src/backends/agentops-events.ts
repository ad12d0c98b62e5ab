/**
 * Our audit events → AgentOps requests (audit-apis.md §2): one batch of one
 * session becomes a plan of `create_events`, `update_events` and the
 * session's end. Pure: the caller sends the plan and, once it went through,
 * records which LLM calls are now half-sent.
 */
import type { AuditEvent } from '../convert/audit-event.js';
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
import { derivedUuid } from './derived-uuid.js';

export type { AgentOpsEvent, AgentOpsEventUpdate, AgentOpsSessionEnd } from './agentops-wire.js';

/** The half of an LLM call already created as an `llm` event; the other half updates it. */
export type LlmHalf = 'prompt' | 'completion';

/** What one batch becomes, in the order it must be sent. */
export interface AgentOpsBatchPlan {
  /** For `create_session`: the session.start event's time, else the batch's earliest. */
  initTimestamp: string;
  /** Agents the created events name, in first-use order (each needs `create_agent` first). */
  agentNames: string[];
  create: AgentOpsEvent[];
  update: AgentOpsEventUpdate[];
  /** Set when the batch holds the session's `session.end`: sent after everything else. */
  end?: AgentOpsSessionEnd;
  /** LLM calls of which this batch creates one half only (keyed by trace and span). */
  halvesSent: Array<[string, LlmHalf]>;
  /** LLM calls that are complete once this batch went through. */
  llmDone: string[];
}

/**
 * Plans one batch. `sentHalves` holds the LLM calls an earlier batch created
 * half of; `agentIdOf` gives the AgentOps id of an agent name.
 *
 * @example
 * const plan = planAgentOpsBatch(events, new Map(), (name) => derivedUuid(`agent:${name}`));
 */
export function planAgentOpsBatch(
  events: readonly AuditEvent[],
  sentHalves: ReadonlyMap<string, LlmHalf>,
  agentIdOf: (agentName: string) => string,
): AgentOpsBatchPlan {
  const plan: AgentOpsBatchPlan = { initTimestamp: earliest(events), agentNames: [], create: [], update: [], halvesSent: [], llmDone: [] };
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
    if (event.type === 'custom' && role === 'session.start') plan.initTimestamp = event.timestamp;
    else if (event.type === 'custom' && role === 'session.end') plan.end = sessionEnd(event);
    else if (event.type === 'prompt' || event.type === 'completion') planLlmHalf(event, key, halves.get(key), sentHalves.get(key), plan, add);
    else if (event.type === 'tool_call') add(event, toolEvent(event));
    else if (event.type === 'error') {
      add(event, errorEvent(event));
      // A failed call never gets its completion: it is complete now.
      if (sentHalves.has(key)) plan.llmDone.push(key);
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
 * event. The other half already sent: an update of its event. Else this half
 * creates the event, and the other half will update it.
 */
function planLlmHalf(
  event: AuditEvent,
  key: string,
  inBatch: BatchHalves | undefined,
  alreadySent: LlmHalf | undefined,
  plan: AgentOpsBatchPlan,
  add: (event: AuditEvent, wire: AgentOpsEvent) => void,
): void {
  const id = derivedUuid(`llm:${key}`);
  const half = event.type as LlmHalf;
  if (alreadySent !== undefined && alreadySent !== half) {
    plan.update.push({ event_id: id, ...(half === 'prompt' ? promptFields(event.payload, event.timestamp) : completionFields(event)) });
    plan.llmDone.push(key);
    return;
  }
  const prompt = inBatch?.prompt;
  const completion = inBatch?.completion;
  if (half === 'completion' && prompt) return; // merged into the prompt's event
  if (half === 'prompt' && completion) {
    add(event, { id, type: 'llm', ...promptFields(event.payload, event.timestamp), ...completionFields(completion) });
    return;
  }
  const fields = half === 'prompt' ? promptFields(event.payload, event.timestamp) : completionFields(event);
  add(event, { id, type: 'llm', init_timestamp: half === 'prompt' ? event.timestamp : startOf(event), ...fields });
  if (!inBatch?.failed) plan.halvesSent.push([key, half]);
}

function earliest(events: readonly AuditEvent[]): string {
  let first = events[0]?.timestamp ?? new Date().toISOString();
  for (const event of events) if (event.timestamp < first) first = event.timestamp;
  return first;
}
