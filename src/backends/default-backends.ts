/**
 * The backends an exporter sends to when it is given none: the one place the
 * pipeline learns of a concrete backend. Which ones is configuration
 * (`OTEL_AGENT_AUDIT_BACKENDS`, default Secureagentics), so an app attached
 * through `NodeSDK` can choose them by environment alone; each is then
 * configured from its own variables.
 */
import { readConfig } from '../config/env.js';
import type { BackendName } from '../config/option-types.js';
import type { AuditBackend } from '../model/audit-backend.js';
import { agenticAudit } from './agentic-audit/agentic-audit.js';
import { agentops } from './agentops/agentops.js';
import { agentSudo } from './agentsudo/agentsudo.js';
import { jsonlFile } from './jsonl/jsonl-file.js';
import { secureagentics } from './secureagentics/secureagentics.js';

const MAKERS: Readonly<Record<BackendName, (jsonlPath: string) => AuditBackend>> = {
  secureagentics: () => secureagentics(),
  agentops: () => agentops(),
  agenticaudit: () => agenticAudit(),
  agentsudo: () => agentSudo(),
  jsonl: (path) => jsonlFile({ path }),
};

/**
 * The backends `OTEL_AGENT_AUDIT_BACKENDS` names (comma-separated; default
 * `secureagentics`; `none`: no backend), each configured from its env vars;
 * `jsonl` writes to `OTEL_AGENT_AUDIT_JSONL_FILE` (default `audit-trail.jsonl`).
 *
 * @example
 * // OTEL_AGENT_AUDIT_BACKENDS=jsonl,secureagentics
 * defaultBackends(); // [jsonlFile({ path: 'audit-trail.jsonl' }), secureagentics()]
 */
export function defaultBackends(): AuditBackend[] {
  const { backends, jsonlFile: path } = readConfig();
  return backends.map((name) => MAKERS[name](path));
}
