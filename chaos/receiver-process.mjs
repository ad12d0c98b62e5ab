// The local receiver as a real child process (`otel-agent-audit serve`), so
// it can be SIGKILLed and restarted on its trail like a crashed server.
import { spawnNode } from './child-process.mjs';

/** Replaying a large trail takes a while on restart. */
const START_TIMEOUT_MILLIS = 60_000;

/**
 * @example
 * const receiver = new ReceiverProcess({ cli, file: '/tmp/x/trail.jsonl', apiKey: 'k', logFile: '/tmp/x/receiver.err' });
 * await receiver.start(); await receiver.kill9(); await receiver.start(); // same port, same file
 */
export class ReceiverProcess {
  #options;
  #child;
  /** The port of the first start, reused on every restart so nothing in front of it has to change. */
  port = 0;
  url = '';
  starts = 0;
  kills = 0;

  constructor({ cli, file, apiKey, logFile }) {
    this.#options = { cli, file, apiKey, logFile };
  }

  get file() {
    return this.#options.file;
  }

  async start() {
    const { cli, file, apiKey, logFile } = this.#options;
    const args = [cli, 'serve', '--port', String(this.port), '--host', '127.0.0.1', '--file', file, '--api-key', apiKey, '--quiet'];
    this.#child = spawnNode(args, { logFile });
    const [, url] = await this.#child.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/, START_TIMEOUT_MILLIS);
    this.url = url;
    this.port = Number(new URL(url).port);
    this.starts++;
  }

  /** kill -9: whatever the receiver had not written yet is gone. */
  async kill9() {
    this.#child.signal('SIGKILL');
    await this.#child.exited;
    this.kills++;
  }

  /** A clean stop (SIGTERM: the receiver flushes and closes its trail). */
  async stop() {
    if (this.#child?.running) await this.#child.stop(10_000);
  }
}

