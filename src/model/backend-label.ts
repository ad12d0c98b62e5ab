/**
 * One label per backend *instance*: its `name`, or `name#2`, `name#3`, … for
 * later instances with the same name. Two `secureagentics()` backends (a SaaS
 * and a self-hosted store) are two destinations, and what one of them already
 * holds (a tool call it was asked about) must not be skipped for the other.
 */
import type { AuditBackend } from './audit-backend.js';

const labels = new WeakMap<AuditBackend, string>();
const instancesByName = new Map<string, number>();

/** The instance's label, assigned the first time it is asked for. */
export function backendLabel(backend: AuditBackend): string {
  let label = labels.get(backend);
  if (label === undefined) {
    const n = (instancesByName.get(backend.name) ?? 0) + 1;
    instancesByName.set(backend.name, n);
    label = n === 1 ? backend.name : `${backend.name}#${n}`;
    labels.set(backend, label);
  }
  return label;
}
