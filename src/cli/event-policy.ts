/**
 * The verdicts on an event: the receiver's assessment of it
 * (`policy_result.decision`: allow, flag, block) and, for a gated tool call,
 * the deciding backend's verdict before it ran (`payload.decision.verdict`:
 * allow, block, unavailable; convert/tool-decision-payload.ts).
 */
import type { TrailEvent } from './trail-event.js';

/** The verdicts `--policy` takes. `deny` is read as `block`. */
export const POLICY_VERDICTS = ['allow', 'flag', 'block', 'unavailable'] as const;

/** The gate's verdict recorded on a tool call, when it was gated. */
export function gateVerdict(event: TrailEvent): string | undefined {
  const decision = event.payload['decision'];
  if (typeof decision !== 'object' || decision === null) return undefined;
  const verdict = (decision as Record<string, unknown>)['verdict'];
  return typeof verdict === 'string' ? verdict : undefined;
}

/**
 * Every verdict on the event, receiver's first; empty when nothing judged it.
 *
 * @example
 * policyVerdicts(blockedToolCall); // ['block', 'block']
 */
export function policyVerdicts(event: TrailEvent): string[] {
  const verdicts: string[] = [];
  if (event.policyResult !== undefined) verdicts.push(event.policyResult);
  const gate = gateVerdict(event);
  if (gate !== undefined) verdicts.push(gate);
  return verdicts;
}

/**
 * The verdicts as a short text: `allow`, `block (tool.denylist)`,
 * `gate: block`, or `''` when nothing judged the event.
 *
 * @example
 * policyText(event); // 'flag (pii.email)'
 */
export function policyText(event: TrailEvent): string {
  const parts: string[] = [];
  if (event.policyResult !== undefined) {
    parts.push(event.violations.length === 0 ? event.policyResult : `${event.policyResult} (${event.violations.join(', ')})`);
  }
  const gate = gateVerdict(event);
  // The gate's verdict is shown only when it says something the receiver's does not.
  if (gate !== undefined && gate !== event.policyResult) parts.push(`gate: ${gate}`);
  return parts.join('; ');
}
