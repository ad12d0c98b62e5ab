// The agent the LangChain scenarios run, whatever instruments it: a
// langchain 1.x `createAgent` ReAct agent on `ChatOpenAI` (@langchain/openai,
// chat completions against the fake server) with the two framework tools.
// The framework executes the tools itself; a tool that throws is turned into
// a ToolMessage with status "error" by the agent's ToolNode (its default
// `handleToolErrors`), so the run goes on and the model answers.
// The agent's own run is the session: no withSession around it, as a LangChain
// app that only installs an instrumentation has none. INTEROP_SESSION=1 wraps
// the run in withSession, to compare.
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import { withSession } from 'otel-agent-audit';
import { env } from './harness.mjs';
import { AGENT, FORECAST_TOOL, MODEL, QUESTION, SYSTEM_PROMPT, WEATHER_TOOL } from './framework-tools.mjs';

/** A LangChain tool from one of framework-tools.mjs's definitions (JSON schema as is). */
function langchainTool({ name, description, parameters, run }) {
  return tool((args) => run(args), { name, description, schema: parameters });
}

/** Runs the agent once; prints the answer and what each tool message said. */
export async function runLangChainAgent() {
  const model = new ChatOpenAI({
    model: MODEL,
    apiKey: env.modelKey,
    configuration: { baseURL: env.modelUrl },
    maxRetries: 0, // LangChain's own AsyncCaller retries otherwise
    streaming: false, // the fake server answers non-streaming chat completions only
  });
  const agent = createAgent({
    model,
    tools: [langchainTool(WEATHER_TOOL), langchainTool(FORECAST_TOOL)],
    systemPrompt: SYSTEM_PROMPT,
    name: AGENT,
  });
  const invoke = () => agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });
  const { messages } = process.env.INTEROP_SESSION === '1' ? await withSession({ agentName: AGENT }, invoke) : await invoke();
  for (const message of messages.filter((m) => m.type === 'tool')) {
    console.log(`tool message: ${JSON.stringify({ name: message.name, tool_call_id: message.tool_call_id, status: message.status, content: message.content })}`);
  }
  console.log(`answer: ${messages.at(-1).content}`);
}
