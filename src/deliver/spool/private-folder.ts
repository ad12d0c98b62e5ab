/**
 * The per-user folder the default spool lives in when it is in the shared
 * temp dir (`/tmp/otel-agent-audit-<user>`). Anyone can create a name in
 * /tmp first, so a folder found there is used only when it is a real folder
 * (not a symlink), owned by this user, and closed to everyone else, as
 * ssh-agent and tmux check theirs: otherwise another local user could read
 * every spooled prompt, plant forged events, or point our files elsewhere.
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';

/**
 * Makes `path` (mode 0700) or checks the one there; returns why it cannot
 * be used, or undefined when it can.
 *
 * @example
 * const problem = ensurePrivateFolder('/tmp/otel-agent-audit-ana');
 */
export function ensurePrivateFolder(path: string): string | undefined {
  try {
    mkdirSync(path, { mode: 0o700 });
    chmodSync(path, 0o700); // the umask may have taken bits away; never added any
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return `cannot create ${path}: ${(error as Error).message}`;
  }
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (error) {
    return `cannot read ${path}: ${(error as Error).message}`;
  }
  if (stats.isSymbolicLink()) return `${path} is a symbolic link, not a folder of this user's`;
  if (!stats.isDirectory()) return `${path} is not a folder`;
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `${path} belongs to another user (uid ${stats.uid})`;
  if ((stats.mode & 0o077) !== 0) return `${path} is open to other users (mode ${(stats.mode & 0o777).toString(8)}); it must be 700`;
  return undefined;
}
