// Helper cost of two builds side by side: `node bench/ab-helpers.mjs OTHER [PAIRS]`
// runs this checkout's dist and OTHER (another checkout's dist/esm/index.js, say
// the commit before a change) in alternating child processes, PAIRS times
// (default 6), and prints each run and the medians. On a shared, noisy machine
// only runs interleaved like this can tell a few percent apart.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url));

if (process.argv[2] === '--child') {
  await measure(process.argv[3]);
} else {
  const other = process.argv[2];
  if (!other) {
    console.error('usage: node bench/ab-helpers.mjs <other dist/esm/index.js> [pairs]');
    process.exit(2);
  }
  const pairs = Number(process.argv[3] ?? 6);
  const runs = { other: [], this: [] };
  for (let i = 0; i < pairs; i++) {
    for (const [label, path] of [['other', other], ['this', here]]) {
      const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path], { encoding: 'utf8' }).trim();
      console.log(`${label.padEnd(5)} ${line}`);
      runs[label].push(Object.fromEntries(line.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)])));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const key of ['bare', 'tool', 'llm']) {
    const a = median(runs.other.map((r) => r[key]));
    const b = median(runs.this.map((r) => r[key]));
    console.log(`${key.padEnd(5)} other ${a} ns   this ${b} ns   this/other ${(b / a).toFixed(2)}×   (medians of ${pairs} alternating pairs)`);
  }
}

/** ns per call of an empty span, `withToolCall` and `withLLMCall`, the audit span processor installed, as in part (a) of run.mjs. */
async function measure(path) {
  const [{ context, propagation, trace }, { NodeTracerProvider }, { completion, discard, messages, nsPerCall }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('./helper-workload.mjs'),
  ]);
  const { auditSpanProcessor, withLLMCall, withToolCall } = await import(path);
  const provider = new NodeTracerProvider({ spanProcessors: [auditSpanProcessor({ backends: [discard], announceDelivery: false })] });
  provider.register();
  const tracer = trace.getTracer('bench');
  const variants = {
    bare: () => tracer.startActiveSpan('span', (span) => span.end()),
    tool: (i) => withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' })),
    llm: () => withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => completion),
  };
  for (const fn of Object.values(variants)) await nsPerCall(fn, 5_000);
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < 5; r++) for (const [k, fn] of Object.entries(variants)) samples[k].push(await nsPerCall(fn, 20_000));
  console.log(Object.entries(samples).map(([k, xs]) => `${k}=${Math.round([...xs].sort((a, b) => a - b)[2])}`).join(' '));
  await provider.shutdown();
  trace.disable(); context.disable(); propagation.disable();
}
