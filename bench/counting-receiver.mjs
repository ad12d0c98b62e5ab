// The local audit receiver for (i), in its own process: the real receiver
// with its fsynced JSONL trail (as `otel-agent-audit serve --quiet --file`),
// which also counts the events it stored per agent. A gateway answers its
// client before it delivers, so only the receiver can say when every event
// has arrived: the benchmark asks over IPC `{ agentId, events }` and is
// answered `{ agentId, stored }` once at least that many are stored
// (onEvent runs after the trail write is durable). Prints its URL first.
import { startAuditReceiver } from 'otel-agent-audit/receiver';

const stored = new Map();
const waiting = new Map(); // agentId → [{ events, answer }]

function answerWaiting(agentId) {
  const count = stored.get(agentId) ?? 0;
  const still = (waiting.get(agentId) ?? []).filter((w) => (count >= w.events ? (w.answer(count), false) : true));
  waiting.set(agentId, still);
}

const receiver = await startAuditReceiver({
  port: 0,
  file: process.argv[2],
  onEvent: (event) => {
    stored.set(event.agent_id, (stored.get(event.agent_id) ?? 0) + 1);
    if (waiting.get(event.agent_id)?.length) answerWaiting(event.agent_id);
  },
});
console.log(`counting receiver listening on ${receiver.url}`);

process.on('message', ({ agentId, events }) => {
  waiting.set(agentId, [...(waiting.get(agentId) ?? []), { events, answer: (count) => process.send({ agentId, stored: count }) }]);
  answerWaiting(agentId);
});
process.on('SIGTERM', () => receiver.close().then(() => process.exit(0)));
// The benchmark gone (it failed): nobody will stop this process.
process.on('disconnect', () => receiver.close().then(() => process.exit(0)));
