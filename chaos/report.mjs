// What the runner prints: a block per scenario as it ends, and one table at
// the end with the numbers to paste.

const fmt = (n) => n.toLocaleString('en-US');

/** Reasons as `reason n, …`; a long reason (a loss report's text, with paths) is cut to `maxChars`. */
function reasons(byReason, maxChars = 160) {
  const entries = Object.entries(byReason).filter(([, n]) => n > 0);
  const cut = (text) => (text.length > maxChars ? `${text.slice(0, maxChars)}…` : text);
  return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${cut(reason)}: ${fmt(n)}`).join('; ');
}

function proxyLine(c) {
  const parts = [`${fmt(c.requests)} requests`, `${fmt(c.answered2xx)} event posts acknowledged`];
  if (c.upstreamErrors) parts.push(`${fmt(c.upstreamErrors)} answered 502 (receiver down)`);
  if (c.cutByRefuse) parts.push(`${fmt(c.cutByRefuse)} connections cut by refuse`);
  if (c.blackholedConnections || c.blackholedRequests) parts.push(`blackholed ${fmt(c.blackholedConnections)} connections, ${fmt(c.blackholedRequests)} requests`);
  if (c.slowed) parts.push(`${fmt(c.slowed)} answers slowed, ${fmt(c.slowAbandoned)} given up by the agent mid-body`);
  return parts.join(' · ');
}

/** The block printed when a scenario ends. */
export function scenarioBlock({ scenario, description, acc, failures, notes, diagnostics, seconds, skipped, error }) {
  const lines = [`▶ ${scenario} — ${description}`];
  if (skipped) return [...lines, `  SKIP: ${skipped}`].join('\n');
  if (acc) {
    const over = acc.overcounted > 0 ? ` − overcounted ${fmt(acc.overcounted)}` : '';
    lines.push(
      `  generated ${fmt(acc.generated)} = delivered ${fmt(acc.delivered)} + in memory at crash (≤ ${acc.windowMillis} ms) ${fmt(acc.inMemoryAtCrash)}` +
        ` + dropped ${fmt(acc.droppedTicks)} + left in spool ${fmt(acc.leftInSpool)} + unexplained ${fmt(acc.unexplained)}${over}`,
      `  runs ${acc.runs} (killed ${acc.kills}) · duplicated ${fmt(acc.duplicated)} (ids acknowledged again) · stored twice ${fmt(acc.storedTwice)}` +
        ` · acknowledged ${fmt(acc.acknowledged)}, not in file ${fmt(acc.ackedMissing)} · torn trail lines ${fmt(acc.badTrailLines)}`,
      `  dropped by reason (stats()): ${reasons(acc.droppedByReason)}` +
        ` · audit.loss events in trail: ${acc.lossEvents.count}${acc.lossEvents.count > 0 ? `, ${fmt(acc.lossEvents.lost)} lost (${reasons(acc.lossEvents.reasons)})` : ''}` +
        (acc.nonTickMissing > 0 ? ` · session start/end events missing ${fmt(acc.nonTickMissing)} (not ticks: taken off the drops)` : ''),
      `  proxy: ${proxyLine(acc.proxyCounters)}`,
    );
  }
  for (const note of notes ?? []) lines.push(`  note: ${note}`);
  if (error) lines.push(`  ERROR: ${error.stack ?? error}`);
  const verdict = failures.length === 0 && !error ? 'PASS' : 'FAIL';
  lines.push(`  ${verdict} in ${seconds.toFixed(1)} s${failures.map((f) => `\n    ✗ ${f}`).join('')}`);
  if (diagnostics?.length) lines.push(`  last words of the children (stderr):${diagnostics.map((d) => `\n    ${d}`).join('')}`);
  return lines.join('\n');
}

/** The summary table of every scenario run. */
export function summaryTable(results) {
  const header = ['scenario', 'generated', 'delivered', 'duplicated', 'in mem@crash', 'dropped', 'unexplained', 'result', 'dropped by reason'];
  const rows = results.map(({ scenario, acc, failures, skipped, error }) => [
    scenario,
    ...(acc ? [acc.generated, acc.delivered, acc.duplicated, acc.inMemoryAtCrash, acc.droppedTicks, acc.unexplained].map(fmt) : ['-', '-', '-', '-', '-', '-']),
    skipped ? 'SKIP' : failures.length === 0 && !error ? 'PASS' : 'FAIL',
    acc ? `${reasons(acc.droppedByReason)}${acc.lossEvents.count > 0 ? ` (audit.loss: ${fmt(acc.lossEvents.lost)})` : ''}` : (skipped ?? String(error?.message ?? '')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 || i >= cells.length - 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
