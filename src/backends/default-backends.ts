/**
 * The backends an exporter sends to when it is given none: the one place the
 * pipeline learns of a concrete backend.
 */
import type { AuditBackend } from '../model/audit-backend.js';
import { secureagentics } from './secureagentics/secureagentics.js';

/** `[secureagentics()]`, configured from its `SECUREAGENTICS_*` env vars. */
export function defaultBackends(): AuditBackend[] {
  return [secureagentics()];
}
