// Starts a server in a child process and resolves its URL from its first
// line of output, so the benchmark's client and server use separate cores.
import { spawn } from 'node:child_process';

export function startProcess(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
      if (url) resolve({ url, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
}
