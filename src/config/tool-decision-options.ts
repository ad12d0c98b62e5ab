/**
 * Tool decision options → a validated gate, at setup, so a gate that cannot
 * work fails loudly there and not on every tool call.
 */
import { invalidOption } from '../errors.js';
import type { ToolDecisionOptions, ToolGate } from '../model/tool-gate.js';
import { resolveOption } from './resolve-option.js';

/**
 * Validates `options` (given as the option named `option`).
 *
 * @throws {AuditError} `INVALID_OPTION` when the backend cannot decide or the fail mode is missing.
 */
export function resolveToolGate(options: ToolDecisionOptions, option = 'decision'): ToolGate {
  if (options === null || typeof options !== 'object') throw invalidOption(option, 'an object { backend, failMode }', options);
  const { backend, failMode } = options;
  if (!backend || typeof backend.decide !== 'function') {
    throw invalidOption(`${option}.backend`, 'a backend that returns verdicts (secureagentics() or agenticAudit())', backend?.name ?? backend);
  }
  if (failMode !== 'open' && failMode !== 'closed') throw invalidOption(`${option}.failMode`, "'open' or 'closed'", failMode);
  const timeoutMillis = resolveOption('toolDecisionTimeoutMillis', options.timeoutMillis, { label: `${option}.timeoutMillis` });
  return { backend: backend as ToolGate['backend'], failMode, timeoutMillis };
}
