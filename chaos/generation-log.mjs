// Reads an agent's generation log: one "run seq epochMillis\n" line per event,
// written before the event was emitted. A last line without its newline was
// cut by a kill -9 before the event existed, so it does not count.
import { readFileSync } from 'node:fs';

/**
 * @returns {{ run: string, count: number, seqs: Int32Array, times: Float64Array }}
 * @example
 * const { count, seqs, times } = readGenerationLog('/tmp/x/gen-k1.log', 'k1');
 */
export function readGenerationLog(file, run) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return { run, count: 0, seqs: new Int32Array(0), times: new Float64Array(0) };
    throw error;
  }
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or a torn line
  const seqs = new Int32Array(lines.length);
  const times = new Float64Array(lines.length);
  let count = 0;
  for (const line of lines) {
    const [lineRun, seq, time] = line.split(' ');
    if (lineRun !== run) continue;
    seqs[count] = Number(seq);
    times[count] = Number(time);
    count++;
  }
  return { run, count, seqs: seqs.subarray(0, count), times: times.subarray(0, count) };
}
