// Starts a server in a child process and resolves its URL from its first
// line of output, so the benchmark's client and server use separate cores.
// `nodeArgs` go before the script (say `--cpu-prof`); `ipc` opens a message
// channel (child.send / 'message') for a server that answers questions a URL
// cannot, such as "tell me when you have stored N events".
import { spawn } from 'node:child_process';

export function startProcess(args, { nodeArgs = [], ipc = false } = {}) {
  const stdio = ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc'] : [])];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
      if (url) resolve({ url, child, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
}
