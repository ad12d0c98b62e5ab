// A Node child of the chaos suite (an agent or the receiver): spawned with
// its stderr in a log file, its stdout read line by line, and always killed
// when the runner exits, whatever the way out (a failed check, an exception,
// Ctrl+C). The set of live children is process-wide on purpose: the 'exit'
// hook that kills them must find them without being handed anything.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';

const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Spawns `node …args`. Resolves nothing by itself: use `waitForLine` for the
 * child's "I am ready" line and `exited` for its end.
 *
 * @example
 * const child = spawnNode(['dist/esm/cli/main.js', 'serve', '--port', '0'], { logFile: '/tmp/x/receiver.err' });
 * await child.waitForLine(/listening on (\S+)/, 10_000);
 */
export function spawnNode(args, { logFile, env } = {}) {
  const errFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', errFd], env: { ...process.env, ...env } });
  closeSync(errFd); // the child holds its own copy
  live.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => (live.delete(child), resolve({ code, signal }))));
  const lineWaiters = new Set();
  createInterface({ input: child.stdout }).on('line', (line) => {
    for (const waiter of lineWaiters) waiter(line);
  });

  return {
    pid: child.pid,
    exited,
    /** Whether the child is still running (no exit seen yet). */
    get running() {
      return live.has(child);
    },
    signal(name) {
      if (live.has(child)) child.kill(name);
    },
    /** Resolves the first match of `pattern` on a stdout line; rejects on exit or after `timeoutMillis`. */
    waitForLine(pattern, timeoutMillis) {
      return new Promise((resolve, reject) => {
        const done = (fn, value) => (lineWaiters.delete(onLine), clearTimeout(timer), fn(value));
        const onLine = (line) => {
          const match = pattern.exec(line);
          if (match) done(resolve, match);
        };
        const timer = setTimeout(() => done(reject, new Error(`node ${args[0]}: no line matching ${pattern} within ${timeoutMillis} ms (see ${logFile})`)), timeoutMillis);
        lineWaiters.add(onLine);
        exited.then(({ code, signal }) => done(reject, new Error(`node ${args[0]} exited (${signal ?? code}) before printing ${pattern} (see ${logFile})`)));
      });
    },
    /** SIGTERM, then SIGKILL if it has not exited within `graceMillis`; resolves its exit and whether it had to be killed. */
    async stop(graceMillis) {
      if (!live.has(child)) return { ...(await exited), forced: false };
      child.kill('SIGTERM');
      let timer;
      const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), graceMillis)));
      const first = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (first !== 'late') return { ...first, forced: false };
      child.kill('SIGKILL');
      return { ...(await exited), forced: true };
    },
  };
}
