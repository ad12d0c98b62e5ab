// @anthropic-ai/claude-agent-sdk `query()` under
// @arizeai/openinference-instrumentation-claude-agent-sdk (manuallyInstrument,
// as its README says for ESM). query() starts the SDK's bundled native Claude
// CLI, which calls the model itself: here the fake Anthropic server, through
// ANTHROPIC_BASE_URL. The two tools of framework-tools.mjs run in this
// process, in an in-process MCP server (createSdkMcpServer + tool()).
//
// The CLI gets an environment of its own and nothing else: a fresh HOME and
// CLAUDE_CONFIG_DIR, every switch that stops traffic besides the model
// calls, and HTTP(S)_PROXY pointing at the test's egress trap (which refuses
// and records whatever else it would reach).
//
// INTEROP_CLAUDE_READER=1 reads the stream through auditClaudeQuery;
// INTEROP_CLAUDE_INSTRUMENTATION=none leaves the OpenInference Claude Agent
// SDK instrumentation out (the reader alone); INTEROP_CLAUDE_PARTIAL=1 asks
// for partial messages (stream events), whose message_delta has each call's
// final output count.
//
// INTEROP_WITH_SESSION=1 runs the query inside withSession (query() then
// hands the CLI the session's trace context as TRACEPARENT). With
// INTEROP_OTLP_URL set, the CLI's own OpenTelemetry export is on (traces
// and log events, content included) and goes to that loopback receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import * as ClaudeAgentSDK from '@anthropic-ai/claude-agent-sdk';
import { AnthropicInstrumentation } from '@arizeai/openinference-instrumentation-anthropic';
import { ClaudeAgentSDKInstrumentation } from '@arizeai/openinference-instrumentation-claude-agent-sdk';
import { z } from 'zod';
import { auditClaudeQuery, withSession, withToolCall } from 'otel-agent-audit';
import { env, startTelemetry } from './harness.mjs';
import { AGENT, FORECAST_TOOL, QUESTION, SYSTEM_PROMPT, WEATHER_TOOL } from './framework-tools.mjs';

export const CLAUDE_MODEL = 'claude-sonnet-4-5';
const SERVER = 'weather';

// With INTEROP_LLM_INSTRUMENTATION=openinference, the LLM-level instrumentation
// as well: it patches @anthropic-ai/sdk in this process, which the CLI (a
// process of its own, with a client of its own) never uses.
const withLlmInstrumentation = process.env.INTEROP_LLM_INSTRUMENTATION === 'openinference';
const withInstrumentation = process.env.INTEROP_CLAUDE_INSTRUMENTATION !== 'none';
const withReader = process.env.INTEROP_CLAUDE_READER === '1';
// INTEROP_CLAUDE_TOOL_SPANS=1: each in-process tool records itself with withToolCall (the app's own span of the execution).
const toolSpans = process.env.INTEROP_CLAUDE_TOOL_SPANS === '1';
const instrumentation = new ClaudeAgentSDKInstrumentation();
const llmInstrumentation = new AnthropicInstrumentation();
const telemetry = startTelemetry({
  scenario: 'claude-agent-sdk',
  instrumentations: [...(withInstrumentation ? [instrumentation] : []), ...(withLlmInstrumentation ? [llmInstrumentation] : [])],
  packages: ['@anthropic-ai/claude-agent-sdk', '@arizeai/openinference-instrumentation-claude-agent-sdk', '@anthropic-ai/sdk', '@arizeai/openinference-instrumentation-anthropic'],
});
const sdk = withInstrumentation ? instrumentation.manuallyInstrument(ClaudeAgentSDK) : ClaudeAgentSDK;
if (withLlmInstrumentation) llmInstrumentation.manuallyInstrument(Anthropic);

/** An MCP tool around one framework tool: its JSON result as text; a throw is the SDK's to report. */
function mcpTool(definition) {
  const run = toolSpans ? (args) => withToolCall(definition.name, args, () => definition.run(args)) : definition.run;
  return sdk.tool(definition.name, definition.description, { city: z.string() }, async (args) => ({
    content: [{ type: 'text', text: JSON.stringify(await run(args)) }],
  }));
}

const home = mkdtempSync(join(tmpdir(), 'claude-agent-home-'));
const cliEnv = {
  PATH: process.env.PATH,
  HOME: home,
  CLAUDE_CONFIG_DIR: join(home, '.claude'),
  TMPDIR: home,
  ANTHROPIC_BASE_URL: env.modelUrl,
  ANTHROPIC_API_KEY: env.modelKey,
  // Off: telemetry, error reports, auto-updates, feature flags, surveys, and
  // all other traffic the CLI does not need for the model calls.
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_UPDATES: '1',
  DISABLE_BUG_COMMAND: '1',
  DISABLE_FEEDBACK_COMMAND: '1',
  DISABLE_GROWTHBOOK: '1',
  CLAUDE_CODE_DISABLE_FEATURE_FLAGS: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
  CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1',
  DISABLE_INSTALLATION_CHECKS: '1',
  HTTP_PROXY: process.env.INTEROP_EGRESS_PROXY_URL,
  HTTPS_PROXY: process.env.INTEROP_EGRESS_PROXY_URL,
  NO_PROXY: '127.0.0.1,localhost',
  ...(process.env.INTEROP_OTLP_URL ? cliTelemetry(process.env.INTEROP_OTLP_URL) : {}),
};

/** Claude Code's own OpenTelemetry export (its monitoring docs' variables), to `endpoint` only. */
function cliTelemetry(endpoint) {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1', // spans; without it only log events and metrics
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_LOG_USER_PROMPTS: '1',
    OTEL_LOG_TOOL_DETAILS: '1',
    OTEL_LOG_TOOL_CONTENT: '1',
    OTEL_LOG_ASSISTANT_RESPONSES: '1',
  };
}

try {
  const weather = sdk.createSdkMcpServer({ name: SERVER, version: '1.0.0', alwaysLoad: true, tools: [mcpTool(WEATHER_TOOL), mcpTool(FORECAST_TOOL)] });
  const tools = [WEATHER_TOOL, FORECAST_TOOL].map((t) => `mcp__${SERVER}__${t.name}`);
  const ask = () => sdk.query({
    prompt: QUESTION,
    options: {
      model: CLAUDE_MODEL,
      systemPrompt: SYSTEM_PROMPT,
      tools: [],
      mcpServers: { [SERVER]: weather },
      allowedTools: tools,
      permissionMode: 'dontAsk',
      settingSources: [],
      persistSession: false,
      thinking: { type: 'disabled' },
      maxTurns: 6,
      includePartialMessages: process.env.INTEROP_CLAUDE_PARTIAL === '1',
      cwd: home,
      env: cliEnv,
      stderr: (text) => process.stderr.write(`[claude] ${text}`),
    },
  });
  // The one line the README asks for: query() called by the reader, its stream read as it is iterated.
  const run = () => (withReader ? auditClaudeQuery(ask, { prompt: QUESTION, agentName: AGENT }) : ask());
  const consume = async () => {
    for await (const message of run()) {
      if (message.type !== 'stream_event') console.log(`sdk message: ${JSON.stringify(message)}`);
      if (message.type === 'result') console.log(`result: ${message.subtype} ${message.result ?? ''}`);
    }
  };
  await (process.env.INTEROP_WITH_SESSION === '1' ? withSession({ agentName: AGENT }, consume) : consume());
} finally {
  await telemetry.shutdown();
  rmSync(home, { recursive: true, force: true });
}
