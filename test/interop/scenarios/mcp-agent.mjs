// The agent the MCP scenarios run, whatever instruments it: a plain chat
// completions loop on the `openai` client whose tools live on an MCP server
// (mcp-weather-server.mjs, spawned over the stdio transport). The agent lists
// the server's tools, offers them to the model, and executes each tool call
// the model makes through the MCP `Client`. MCP has no run of its own, so the
// run is one withSession (`session`): the MCP connection opened and closed
// inside it (`run`, the default); opened before it, with only the agent's loop
// inside (`calls`); or no withSession at all (`none`).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { auditMcpClient, withSession, withToolCall } from 'otel-agent-audit';
import { env } from './harness.mjs';
import { AGENT, MODEL, QUESTION, SYSTEM_PROMPT } from './framework-tools.mjs';

const SERVER_SCRIPT = fileURLToPath(new URL('./mcp-weather-server.mjs', import.meta.url));
const MAX_STEPS = 5;

/** Where the server writes its spans: beside the client's capture, or a temporary file. */
function serverCaptureFile() {
  return env.captureFile?.replace(/\.json$/, '-server.json') ?? join(tmpdir(), `mcp-weather-server-${process.pid}.json`);
}

/** An OpenAI function tool from an MCP tool listing. */
const openaiTool = ({ name, description, inputSchema }) => ({ type: 'function', function: { name, description, parameters: inputSchema } });

/**
 * Executes one requested call through MCP. A tool that fails comes back
 * either as a result with `isError: true` (McpServer) or as a JSON-RPC error
 * (`callTool` rejects with an McpError; low-level Server): both go back to
 * the model as the tool message's text.
 */
async function callTool(mcp, call) {
  try {
    const result = await mcp.callTool({ name: call.function.name, arguments: JSON.parse(call.function.arguments) });
    return { isError: result.isError === true, text: result.content.map((part) => part.text ?? '').join('') };
  } catch (error) {
    return { isError: true, rejected: true, text: error.message };
  }
}

/**
 * `callTool` recorded with withToolCall: what an agent does where its MCP
 * instrumentation writes no tool spans (OpenInference's only carries the
 * trace context to the server). A tool that failed throws inside, so the
 * record says so, and the failure still goes back to the model.
 */
async function recordedCallTool(mcp, call) {
  let outcome;
  try {
    await withToolCall(call.function.name, JSON.parse(call.function.arguments), async () => {
      outcome = await callTool(mcp, call);
      if (outcome.isError) throw new Error(outcome.text);
      return parsedText(outcome.text);
    }, { callId: call.id });
  } catch (error) {
    if (outcome?.isError !== true) throw error;
  }
  return outcome;
}

function parsedText(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Runs the agent once with `openai` (an `OpenAI` instance); the server is
 * instrumented with `vendor` (openinference | traceloop | none) and uses the
 * SDK's `serverApi` (mcp-server | low-level). `tools` says how the agent's
 * MCP calls are recorded: `withToolCall` around each, `auditMcpClient` (the
 * one line added where the client is made), or `none` (left to the MCP
 * instrumentation). `session`: run | calls | none (see above). Prints the
 * tool outcomes, the answer and a summary of the server's spans.
 */
export async function runMcpAgent(openai, { vendor, serverApi = 'mcp-server', tools = 'none', session = 'run' }) {
  const captureFile = serverCaptureFile();
  const inSession = (fn) => (session === 'none' ? fn() : withSession({ agentName: AGENT }, fn));
  const connected = async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_SCRIPT],
      cwd: process.cwd(),
      // The SDK passes the server only HOME, PATH and a few more unless told otherwise.
      env: { MCP_SERVER_INSTRUMENTATION: vendor, MCP_SERVER_API: serverApi, MCP_SERVER_CAPTURE_FILE: captureFile },
      stderr: 'inherit',
    });
    const client = new Client({ name: AGENT, version: '1.0.0' });
    const mcp = tools === 'auditMcpClient' ? auditMcpClient(client) : client;
    await mcp.connect(transport);
    return mcp;
  };
  const loop = async (mcp) => {
    try {
      await agentLoop(openai, mcp, tools === 'withToolCall' ? recordedCallTool : callTool);
    } finally {
      await mcp.close();
    }
  };
  if (session === 'calls') {
    const mcp = await connected();
    await inSession(() => loop(mcp));
  } else {
    await inSession(async () => loop(await connected()));
  }
  printServerSpans(captureFile);
}

/** The chat-completions loop: list the tools, offer them, run each call through `run(mcp, call)`, until the answer. */
async function agentLoop(openai, mcp, run) {
  const tools = (await mcp.listTools()).tools.map(openaiTool);
  const messages = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: QUESTION },
  ];
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await openai.chat.completions.create({ model: MODEL, messages, tools });
    const message = response.choices[0].message;
    if (!message.tool_calls?.length) {
      console.log(`answer: ${message.content}`);
      break;
    }
    messages.push({ role: 'assistant', content: message.content, tool_calls: message.tool_calls });
    for (const call of message.tool_calls) {
      const outcome = await run(mcp, call);
      console.log(`tool ${call.function.name}: ${JSON.stringify(outcome)}`);
      messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.text });
    }
  }
}

/** The server's spans (name, kind, scope, trace, parent), for the test to see. */
function printServerSpans(file) {
  const { spans, openSpans } = JSON.parse(readFileSync(file, 'utf8'));
  if (!env.captureFile) rmSync(file, { force: true });
  const summary = [...spans, ...openSpans].map((s) => ({ name: s.name, kind: s.kind, scope: s.scope.name, traceId: s.traceId, parentSpanId: s.parentSpanId }));
  console.log(`mcp server spans: ${JSON.stringify(summary)}`);
}
