// The agent the LangChain scenarios run, whatever instruments it: a
// langchain 1.x `createAgent` ReAct agent on `ChatOpenAI` (@langchain/openai,
// chat completions against the fake server) with the two framework tools.
// The framework executes the tools itself; a tool that throws is turned into
// a ToolMessage with status "error" by the agent's ToolNode (its default
// `handleToolErrors`), so the run goes on and the model answers.
// The agent's own run is the session: no withSession around it, as a LangChain
// app that only installs an instrumentation has none. INTEROP_SESSION=1 wraps
// the run in withSession, to compare.
//   INTEROP_CONCURRENT=1  runs two agents at once (Promise.all), each asking
//   one question the model answers without tools; their model requests are
//   held until both are on the wire, so both agents' model calls are open at once.
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import { withSession } from 'otel-agent-audit';
import { env } from './harness.mjs';
import { AGENT, FORECAST_TOOL, MODEL, QUESTION, SYSTEM_PROMPT, WEATHER_TOOL } from './framework-tools.mjs';

/**
 * The LangChain modules the agent is made of: the ESM builds by default. A
 * scenario whose instrumentation patches only CommonJS (a require hook) passes
 * the CommonJS builds, so `ChatOpenAI` uses the `openai` build it patched.
 */
const ESM_MODULES = { ChatOpenAI, tool, createAgent };

/** The agents of INTEROP_CONCURRENT=1 and their one question each. */
const CONCURRENT_AGENTS = [
  { name: 'oslo-agent', question: 'What is the weather in Oslo?' },
  { name: 'bergen-agent', question: 'What is the weather in Bergen?' },
];

/** A LangChain tool from one of framework-tools.mjs's definitions (JSON schema as is). */
function langchainTool(modules, { name, description, parameters, run }) {
  return modules.tool((args) => run(args), { name, description, schema: parameters });
}

function makeAgent(modules, { name = AGENT, fetch } = {}) {
  const model = new modules.ChatOpenAI({
    model: MODEL,
    apiKey: env.modelKey,
    configuration: { baseURL: env.modelUrl, ...(fetch && { fetch }) },
    maxRetries: 0, // LangChain's own AsyncCaller retries otherwise
    streaming: false, // the fake server answers non-streaming chat completions only
  });
  return modules.createAgent({
    model,
    tools: [langchainTool(modules, WEATHER_TOOL), langchainTool(modules, FORECAST_TOOL)],
    systemPrompt: SYSTEM_PROMPT,
    name,
  });
}

/** Runs the agent once (or two at once, INTEROP_CONCURRENT=1); prints the answer and what each tool message said. */
export async function runLangChainAgent(modules = ESM_MODULES) {
  if (process.env.INTEROP_CONCURRENT === '1') return runConcurrently(modules);
  const agent = makeAgent(modules);
  const invoke = () => agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });
  const { messages } = process.env.INTEROP_SESSION === '1' ? await withSession({ agentName: AGENT }, invoke) : await invoke();
  for (const message of messages.filter((m) => m.type === 'tool')) {
    console.log(`tool message: ${JSON.stringify({ name: message.name, tool_call_id: message.tool_call_id, status: message.status, content: message.content })}`);
  }
  console.log(`answer: ${messages.at(-1).content}`);
}

async function runConcurrently(modules) {
  const fetch = heldUntilAll(CONCURRENT_AGENTS.length);
  const answers = await Promise.all(CONCURRENT_AGENTS.map(async ({ name, question }) => {
    const { messages } = await makeAgent(modules, { name, fetch }).invoke({ messages: [{ role: 'user', content: question }] });
    return `${name}: ${messages.at(-1).content}`;
  }));
  for (const answer of answers) console.log(`answer of ${answer}`);
}

/** A fetch that sends no request until `count` have been asked for: the calls are all open at once. */
function heldUntilAll(count) {
  let waiting = [];
  return async (input, init) => {
    await new Promise((resolve) => {
      waiting.push(resolve);
      if (waiting.length < count) return;
      for (const release of waiting) release();
      waiting = [];
    });
    return globalThis.fetch(input, init);
  };
}
