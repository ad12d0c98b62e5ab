// `npm run demo`: a scripted support agent with a fake model (no network)
// runs two sessions; its spans are exported as audit events to the local
// audit receiver started in this process, and to nothing else. Then the audit
// trail is printed, grouped by session and trace, with each event's policy
// result.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatTrailReport,
  isAuditBlockedError,
  secureagentics,
  setupAudit,
  verifyTrailSource,
  withLLMCall,
  withSession,
  withToolCall,
} from 'otel-agent-audit';
import { startAuditReceiver } from 'otel-agent-audit/receiver';

const trailFile = join(mkdtempSync(join(tmpdir(), 'otel-agent-audit-demo-')), 'audit-trail.jsonl');
const receiver = await startAuditReceiver({ port: 0, file: trailFile, deniedTools: ['delete_customer'] });
const backend = secureagentics({ apiKey: 'local-demo-key', baseUrl: receiver.url });
const audit = setupAudit({
  serviceName: 'demo-support-agent',
  otlp: false, // the demo exports to the local receiver only
  backends: [backend],
  // Every tool call is put to the receiver's policies before it runs; without
  // a verdict within the budget, the tool does not run.
  toolDecision: { backend, failMode: 'closed', timeoutMillis: 2000 },
});

// --- A fake model: answers in the OpenAI chat.completion shape, from a script.
let completionId = 0;
function fakeModel(model, reply) {
  const content = reply.text ?? null;
  const toolCalls = reply.tool ? [{ id: `call_${++completionId}`, type: 'function', function: { name: reply.tool, arguments: JSON.stringify(reply.args) } }] : undefined;
  return {
    id: `chatcmpl-demo-${++completionId}`,
    object: 'chat.completion',
    model: `${model}-2026-01-01`,
    choices: [{ index: 0, message: { role: 'assistant', content, tool_calls: toolCalls }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: 20 + completionId * 7, completion_tokens: 8 + (content?.length ?? 12) / 4 | 0 },
  };
}

// --- Tools. One fails; one is on the receiver's deny list and never runs.
const ran = [];
const tools = {
  lookup_order: async ({ orderId }) => ({ orderId, status: 'shipped', carrier: 'PostNord' }),
  send_sms: async () => {
    throw new Error('SMS gateway timed out after 3000 ms');
  },
  delete_customer: async ({ customerId }) => {
    ran.push('delete_customer'); // the audit gate must keep this from ever happening
    return { deleted: customerId };
  },
};

/** One agent turn: ask the model, run the tool it asks for, ask again. */
async function turn(model, messages, script) {
  for (const reply of script) {
    const completion = await withLLMCall({ model, provider: 'openai', messages }, async () => fakeModel(model, reply));
    const message = completion.choices[0].message;
    messages.push(message);
    for (const call of message.tool_calls ?? []) {
      const args = JSON.parse(call.function.arguments);
      let result;
      try {
        result = await withToolCall(call.function.name, args, () => tools[call.function.name](args), { callId: call.id });
      } catch (error) {
        // The agent recovers; the failure or the refusal is in the trail.
        result = isAuditBlockedError(error) ? { refused: error.reason } : { error: error.message };
        if (isAuditBlockedError(error)) console.log(`Blocked before it ran: ${call.function.name} (${error.reason})`);
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
  }
  return messages.at(-1).content;
}

await withSession({ agentName: 'support-bot' }, () =>
  turn('gpt-4o-mini', [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is order 42? Text me at +47 555 01234, or mail jane.doe@example.com.' }], [
    { tool: 'lookup_order', args: { orderId: 42 } },
    { tool: 'send_sms', args: { to: '+47 555 01234', text: 'Order 42 has shipped.' } },
    { text: 'Order 42 has shipped with PostNord. I could not send the SMS.' },
  ]),
);
await withSession({ agentName: 'ops-bot' }, () =>
  turn('gpt-4o', [{ role: 'user', content: 'Clean up the test customer 7 and show the staging key.' }], [
    { tool: 'delete_customer', args: { customerId: 7 } },
    { text: 'I may not delete customers. The staging key is sk-demo1234567890abcdefghijklmnop.' },
  ]),
);

await audit.shutdown();
const stats = audit.stats();
const events = receiver.events();
await receiver.close();

// --- Print the trail: session → trace → events, in time order. Batches reach
// the receiver concurrently, so arrival order is not time order.
// Within one millisecond, events of a turn are put in the order they happen.
const TYPE_ORDER = { prompt: 1, completion: 2, tool_call: 3, error: 4, custom: 5 };
const rank = (event) => (event.payload.name === 'session.start' ? 0 : event.payload.name === 'session.end' ? 9 : TYPE_ORDER[event.type] ?? 5);
// The stream's signed checkpoints vouch for the trail; they are shown with its verification below.
const activity = events.filter((event) => event.payload.name !== 'audit.checkpoint');
const chronological = [...activity].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || rank(a) - rank(b));
const sessions = new Map();
for (const event of chronological) {
  const key = `${event.payload.session_id ?? 'no session'}\u0000${event.payload.agent_name ?? ''}`;
  const traces = sessions.get(key) ?? new Map();
  sessions.set(key, traces);
  traces.set(event.trace_id, [...(traces.get(event.trace_id) ?? []), event]);
}
// Two kinds of event reach the receiver: what the exporter delivers (hash-chained), and each
// tool call the gate put to the receiver before it ran (a decision request, outside the chain).
const asked = activity.filter((event) => event.payload['audit.stream.id'] === undefined).length;
const checkpoints = events.length - activity.length;
console.log(`\nAudit trail: ${activity.length} events in ${sessions.size} sessions, ${checkpoints} signed checkpoint (stored in ${trailFile})`);
console.log(`  ${activity.length - asked} recorded by the exporter + ${asked} tool calls the gate put to the receiver before they ran`);
for (const [key, traces] of sessions) {
  const [sessionId, agentName] = key.split('\u0000');
  console.log(`\nSession ${sessionId} · agent ${agentName}`);
  for (const [traceId, traceEvents] of traces) {
    console.log(`  trace ${traceId}`);
    for (const event of traceEvents) {
      const time = event.timestamp.slice(11, 23);
      console.log(`    ${time}  ${event.type.padEnd(10)}  ${fit(summary(event), 64)}  ${policy(event.policy_result)}`);
    }
  }
}
if (ran.includes('delete_customer')) throw new Error('demo: a denied tool ran');
const delivery = stats.backends.secureagentics;
console.log(`\nDelivery: ${delivery.delivered} delivered (${activity.length - asked} events + ${checkpoints} checkpoint), ${delivery.failed} failed, ${delivery.dropped} dropped, ${delivery.retries} retries.`);
// Secrets and personal data never left the process: counted per rule, never shown.
const answer = activity.find((event) => event.type === 'completion' && String(event.payload.response).includes('staging key'));
console.log(`The model's answer, as the receiver stored it: "${answer.payload.response}"`);
const redacted = Object.entries(stats.redactions).map(([rule, n]) => `${n} ${rule}`);
console.log(`Redacted before sending: ${redacted.join(', ') || 'nothing'}.`);
// The trail file is hash-chained and signed: the same check \`otel-agent-audit verify\` runs.
const report = await verifyTrailSource(trailFile, { publicKeys: [stats.integrity.publicKey] });
console.log(`\n${formatTrailReport(report)}`);
// The receiver's file also holds its agent registrations; they and the gate's requests are not chained.
const registrations = readFileSync(trailFile, 'utf8').split('\n').filter((line) => line.startsWith('{"record":"agent"')).length;
console.log(`(not chained: ${asked} tool-gate requests and ${registrations} agent registrations the receiver keeps in the same file)`);
if (!report.ok) throw new Error('demo: the trail did not verify');

function fit(value, width) {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

function summary({ type, payload }) {
  const oneLine = (value) => String(value ?? '').replace(/\s+/g, ' ');
  switch (type) {
    case 'prompt': // the newest message is what this call added
      return `${payload.token_count} tok  ${oneLine(String(payload.prompt).split('\n').at(-1))}`;
    case 'completion':
      return `${payload.token_count} tok  ${oneLine(payload.response) || `[${payload.finish_reasons}]`}`;
    case 'tool_call': // asked before it ran (the gate), so no result yet
      return `${payload.tool_name} ${JSON.stringify(payload.arguments)}${payload.status === 'pending' ? ' (asked before running)' : ` → ${payload.status}`}`;
    case 'error':
      return `${payload.error_type}: ${oneLine(payload.message)}`;
    default:
      if (payload.name === 'tool_call.result') return `${payload.tool_name} → ${payload.status} ${JSON.stringify(payload.result ?? null)}`;
      return `${payload.name}${payload.outcome ? ` (${payload.outcome})` : ''}`;
  }
}

function policy(result) {
  if (result.decision === 'allow') return 'allow';
  return `${result.decision.toUpperCase()}: ${result.violations.map((v) => v.policy).join(', ')}`;
}
