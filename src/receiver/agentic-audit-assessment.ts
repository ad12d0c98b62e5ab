// The receiver's demonstration of AgenticAudit's assessment (audit-apis.md §3):
// risk level, PII, frameworks and an allow/block decision, derived from the
// same policies the Secureagentics routes evaluate (policies.ts). The real
// service's rules are its own; these only make every documented field real.
import type { AgenticAuditAssessment, AgenticAuditRequest } from './agentic-audit-event.js';
import { evaluatePolicies } from './policies.js';

const NO_TOOLS: ReadonlySet<string> = new Set();

/**
 * Assesses one event:
 * - a tool on the deny list (`action`, or `data.tool_name`) → `block`, risk `high`;
 * - an email address in `data` → `pii_detected`, `pii_fields: ['email']`, risk `high`, GDPR articles 30 and 15;
 * - an API-key-like secret in `data` → risk `critical`;
 * - an `error` action → risk `medium`; anything else `low`.
 * The AI Act's record-keeping article (12) applies to every logged action; 14 and 9 to high risk.
 */
export function assessAgenticAuditEvent(
  request: AgenticAuditRequest,
  deniedTools: ReadonlySet<string>,
  scanContent: boolean,
): AgenticAuditAssessment {
  const toolName = request.data['tool_name'];
  const deniedTool = deniedTools.has(request.action)
    ? request.action
    : typeof toolName === 'string' && deniedTools.has(toolName) ? toolName : undefined;
  // The content policies alone: the deny list is judged on `action` above.
  const { violations } = evaluatePolicies({ type: 'custom', payload: request.data }, NO_TOOLS, scanContent);
  const pii = violations.some((v) => v.policy === 'pii.email');
  const secret = violations.some((v) => v.policy === 'secret.api_key');

  let riskLevel: AgenticAuditAssessment['risk_level'] = request.action === 'error' ? 'medium' : 'low';
  if (pii || deniedTool !== undefined) riskLevel = 'high';
  if (secret) riskLevel = 'critical';
  const high = riskLevel === 'high' || riskLevel === 'critical';
  return {
    risk_level: riskLevel,
    pii_detected: pii,
    pii_fields: pii ? ['email'] : [],
    frameworks: { gdpr: pii ? ['art_30', 'art_15'] : [], ai_act: high ? ['art_12', 'art_14', 'art_9'] : ['art_12'] },
    decision: deniedTool === undefined ? 'allow' : 'block',
    reason: deniedTool === undefined ? null : `tool '${deniedTool}' is on the deny list`,
  };
}
