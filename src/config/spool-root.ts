/**
 * Where a spool lives when the user did not say: a per-user state directory
 * (`$XDG_STATE_HOME/otel-agent-audit/spool`, else one in the OS temp dir,
 * named for the user so two users never share it), one folder per service
 * name.
 */
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';

/**
 * The folder that holds the spools of all services, by default.
 *
 * @example
 * defaultSpoolRoot({ XDG_STATE_HOME: '/home/me/.local/state' }); // '/home/me/.local/state/otel-agent-audit/spool'
 */
export function defaultSpoolRoot(env: NodeJS.ProcessEnv = process.env): string {
  const state = env['XDG_STATE_HOME'];
  if (state && state.startsWith('/')) return join(state, 'otel-agent-audit', 'spool');
  return join(sharedTempFolder(), 'spool');
}

/**
 * The per-user folder in the shared temp dir that `root` is in, when `root`
 * is the default root there (it must then be checked as private before use).
 *
 * @example
 * privateFolderOf(defaultSpoolRoot({})); // '/tmp/otel-agent-audit-ana'
 */
export function privateFolderOf(root: string): string | undefined {
  return root === join(sharedTempFolder(), 'spool') ? sharedTempFolder() : undefined;
}

function sharedTempFolder(): string {
  return join(tmpdir(), `otel-agent-audit-${userName()}`);
}

/**
 * The name a service's spool folder gets: the service name given, else
 * `OTEL_SERVICE_NAME`, else the main script's name, made safe for a path.
 *
 * @example
 * spoolServiceName('checkout agent/v2'); // 'checkout_agent_v2'
 */
export function spoolServiceName(serviceName: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const script = process.argv[1] ? basename(process.argv[1]).replace(/\.[cm]?[jt]s$/, '') : undefined;
  const name = serviceName || env['OTEL_SERVICE_NAME'] || script || 'unknown_service';
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return safe || 'unknown_service';
}

function userName(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9._-]+/g, '_') || String(process.getuid?.() ?? 'user');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
