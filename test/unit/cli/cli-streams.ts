// Text sinks for running the CLI in-process: what it wrote, and a way to
// wait until it has written something (the receiver's URL).
import type { CliIo, TextSink } from '../../../src/cli/cli-io.js';

export interface CapturedStream extends TextSink {
  readonly text: string;
  /** Resolves with the first match of `pattern` in what is written, now or later. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

export function captureStream(): CapturedStream {
  let text = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      const match = text.match(waiter.pattern);
      if (!match) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(match);
    }
  };
  return {
    get text() {
      return text;
    },
    write(chunk: string) {
      text += chunk;
      settle();
      return true;
    },
    waitFor(pattern) {
      return new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        settle();
      });
    },
  };
}

export function captureIo(signal?: AbortSignal): CliIo & { stdout: CapturedStream; stderr: CapturedStream } {
  return { stdout: captureStream(), stderr: captureStream(), ...(signal && { signal }) };
}
