/** The verdict a deciding backend gave before a tool ran, as a `tool_call` payload field. */
import type { Attributes } from '@opentelemetry/api';
import { AUDIT_DECISION, AUDIT_DECISION_BACKEND, AUDIT_DECISION_FAIL_MODE, AUDIT_DECISION_LATE_VERDICT, AUDIT_DECISION_REASON } from '../model/attributes.js';
import { readString } from '../model/span-reader.js';

export interface ToolDecisionPayload {
  verdict: string;
  backend: string | undefined;
  reason: string | undefined;
  fail_mode: string | undefined;
  /** The verdict that arrived after the budget (the backend then holds the call). */
  late_verdict: string | undefined;
}

/** `undefined` when the tool was not gated. */
export function toolDecisionPayload(attributes: Attributes): ToolDecisionPayload | undefined {
  const verdict = readString(attributes, AUDIT_DECISION);
  if (verdict === undefined) return undefined;
  return {
    verdict,
    backend: readString(attributes, AUDIT_DECISION_BACKEND),
    reason: readString(attributes, AUDIT_DECISION_REASON),
    fail_mode: readString(attributes, AUDIT_DECISION_FAIL_MODE),
    late_verdict: readString(attributes, AUDIT_DECISION_LATE_VERDICT),
  };
}
