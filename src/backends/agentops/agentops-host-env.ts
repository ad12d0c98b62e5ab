/**
 * The `host_env` of an AgentOps `create_session` (seed 004): the same groups
 * the Python SDK sends (OS, CPU, RAM, SDK), with Node in place of Python.
 */
import { cpus, release, totalmem, type } from 'node:os';
import { VERSION } from '../../model/version.js';

/**
 * The host description sent with every session. Read once per backend: it
 * does not change while the process runs, and `os.cpus()` is not free.
 *
 * @example
 * hostEnvironment(); // { OS: { OS: 'Linux', 'OS Release': '6.8.0' }, CPU: { 'Total cores': 8 }, … }
 */
export function hostEnvironment(): Record<string, unknown> {
  return {
    OS: { OS: safe(type, 'unknown'), 'OS Release': safe(release, 'unknown') },
    CPU: { 'Total cores': safe(() => cpus().length, 0) },
    RAM: { Total: `${(safe(totalmem, 0) / 1024 ** 3).toFixed(2)} GB` },
    SDK: { 'Node Version': process.version, 'System Packages': { 'otel-agent-audit': VERSION } },
  };
}

/** Some sandboxes refuse these calls: a session is worth more than its host details. */
function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
