/**
 * An MCP client whose tool calls are recorded: the MCP instrumentations leave
 * gaps (OpenInference's writes no spans at all; Traceloop's parents every
 * request to the span it opened at `connect()`, outside the agent's
 * session), so the one place that sees each call in the agent's own context
 * is the `callTool` the agent makes. Each call runs on `withToolCall`'s core,
 * so it is gated like any tool call and fails the agent only as `callTool`
 * itself would.
 */
import type { Attributes } from '@opentelemetry/api';
import { resolveToolGate } from '../config/tool-decision-options.js';
import { AUDIT_MCP_SERVER_NAME, MCP_METHOD_NAME } from '../model/attributes.js';
import type { ToolDecisionOptions, ToolGate } from '../model/tool-gate.js';
import { describeKind } from '../model/value-kind.js';
import { recordMcpToolResult } from './mcp-call-result.js';
import { attributesOption, optionsObject, readOption, textOf } from './read-input.js';
import { RecordingProblems } from './recording-problems.js';
import { runToolCall } from './tool-call.js';

/**
 * What {@link auditMcpClient} needs of a client: `Client` of
 * `@modelcontextprotocol/sdk` (1.x) has it; so may a client of your own.
 */
export interface McpToolClient {
  /** `callTool({ name, arguments }, …)`: the call recorded. Its other arguments are passed on unchanged. */
  callTool: (...args: never[]) => unknown;
  /** The server's `serverInfo` from `initialize`: its `name` is the server's name in the trail. */
  getServerVersion?: () => { name?: unknown } | undefined;
}

/** Options of {@link auditMcpClient}. */
export interface AuditMcpClientOptions {
  /** The server's name in the trail (`mcp_server`). Default: the name the server gives at `initialize` (`client.getServerVersion()?.name`). */
  server?: string;
  /**
   * Put each call to a deciding backend before it is sent, as `withToolCall`'s
   * `decision`; `false` skips the setup-wide `toolDecision` for this client.
   * Default: the setup's `toolDecision`, if any.
   */
  decision?: ToolDecisionOptions | false;
  /** Extra attributes on every call's span. */
  attributes?: Attributes;
}

/** What the wrapper knows of its client, resolved once. */
interface McpClientSettings {
  readonly server: string | undefined;
  readonly gate: ToolGate | false | undefined;
  readonly attributes: Attributes;
}

/** On a client already wrapped (a `Symbol.for`, so it holds across two loaded copies of this package). */
const AUDITED = Symbol.for('otel-agent-audit.mcp-client');

/**
 * Records every `callTool` of `client` as a tool call in the active session:
 * an `execute_tool {name}` span with `gen_ai.tool.type: "mcp"`, the server's
 * name, the arguments and the result (text content unwrapped, JSON text
 * read as JSON). An `isError` result fails the span (an `error` event with
 * the tool's error text; the promise still resolves with the result, as it
 * would unwrapped), and so does a rejection (a JSON-RPC error), which is
 * passed on unchanged.
 *
 * Returns the same object, with `callTool` replaced by a recording one on
 * the instance itself; all else is untouched, so its type is kept. Wrapping
 * twice records once (the first options hold). With Traceloop's MCP
 * instrumentation installed too, its span of the same call makes no event
 * of its own (see README "Agent frameworks").
 *
 * A call subject to a tool decision (`decision`, or the setup's
 * `toolDecision`) that is refused rejects with `AuditBlockedError` and is
 * never sent to the server.
 *
 * @throws {TypeError} when `client` has no `callTool` function, or `options.server` is not text.
 * @throws {AuditError} `INVALID_OPTION` when `options.decision` names a backend that cannot decide.
 * @example
 * import { Client } from '@modelcontextprotocol/sdk/client/index.js';
 * const client = auditMcpClient(new Client({ name: 'weather-agent', version: '1.0.0' }));
 * await client.connect(transport);
 * await withSession({ agentName: 'weather-agent' }, () => client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }));
 */
export function auditMcpClient<C extends McpToolClient>(client: C, options?: AuditMcpClientOptions): C {
  const original = readCallTool(client);
  const settings = resolveSettings(options);
  if ((client as { [AUDITED]?: true })[AUDITED]) return client;
  // On the instance, as an own property: the prototype's method (which
  // instrumentations such as Traceloop's patch) stays as it is, for other clients too.
  Object.defineProperty(client, 'callTool', {
    value: function callTool(this: unknown, ...args: unknown[]): unknown {
      return recordCall(client, settings, () => Reflect.apply(original, this, args), args[0]);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(client, AUDITED, { value: true });
  return client;
}

function readCallTool(client: unknown): (...args: unknown[]) => unknown {
  const callTool = client !== null && (typeof client === 'object' || typeof client === 'function') ? (client as { callTool?: unknown }).callTool : undefined;
  if (typeof callTool !== 'function') {
    throw new TypeError(`auditMcpClient: the client is ${describeKind(client)} without a callTool function; pass an MCP Client (@modelcontextprotocol/sdk)`);
  }
  return callTool as (...args: unknown[]) => unknown;
}

function resolveSettings(options: AuditMcpClientOptions | undefined): McpClientSettings {
  const given = options ?? {};
  if (given.server !== undefined && typeof given.server !== 'string') {
    throw new TypeError(`auditMcpClient: options.server must be text (the MCP server's name), not ${describeKind(given.server)}`);
  }
  const gate = given.decision ? resolveToolGate(given.decision) : given.decision === false ? false : undefined;
  const problems = new RecordingProblems('auditMcpClient');
  return { server: given.server, gate, attributes: attributesOption(given.attributes, 'attributes', problems) };
}

/** One `callTool`, recorded; `params` is read guarded, since the call goes to the server whatever it holds. */
function recordCall(client: McpToolClient, settings: McpClientSettings, call: () => unknown, params: unknown): unknown {
  const problems = new RecordingProblems('auditMcpClient');
  const given = optionsObject(params, problems, 'params');
  const server = settings.server ?? serverName(client, problems);
  const attributes: Attributes = { ...settings.attributes, [MCP_METHOD_NAME]: 'tools/call' };
  if (server !== undefined) attributes[AUDIT_MCP_SERVER_NAME] = server;
  return runToolCall(
    { problems, gate: settings.gate, recordResult: recordMcpToolResult },
    readOption(given, 'name', problems),
    readOption(given, 'arguments', problems),
    call,
    { type: 'mcp', attributes },
  );
}

/** The name the server gave at `initialize`; undefined before `connect()` and for clients that cannot say. */
function serverName(client: McpToolClient, problems: RecordingProblems): string | undefined {
  try {
    const info = typeof client.getServerVersion === 'function' ? client.getServerVersion() : undefined;
    return info === null || typeof info !== 'object' ? undefined : textOf(info.name, 'server', problems);
  } catch (error) {
    problems.noteThrown('server', error);
    return undefined;
  }
}
