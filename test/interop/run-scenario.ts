/**
 * Runs one interop scenario the way a user runs an agent: a separate Node
 * process loading the built package by name, with real module loading and a
 * real instrumentation. The test process owns the two servers it talks to —
 * the local audit receiver and the fake OpenAI server — and reads what
 * arrived. `INTEROP_CAPTURE=1` also writes the raw spans and log records to
 * `test/interop/captured/<scenario>.json` (fixtures for converter tests).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verifyTrail, type TrailReport } from '../../src/index.js';
import { startAuditReceiver, type StoredAuditEvent } from '../../src/receiver/index.js';
import { AUDIT_SEQUENCE_NUMBER, AUDIT_SEQUENCE_PREV_HASH, AUDIT_STREAM_ID, CHECKPOINT_NAME } from '../../src/chain/chain-fields.js';
import { errorReply, startFakeOpenAIServer, textReply, toolCallReply, type ModelReply, type ModelRequest } from '../servers/fake-openai-server.js';
import { checkLoadedFrom, scenarioLocation } from './scenario-location.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** The script every scenario's model follows: ask for the tool, answer, then fail. */
export const SCRIPT = Object.freeze({
  toolArguments: { city: 'Oslo' },
  toolCallId: 'call_weather_1',
  answer: 'It is 12 °C with light rain in Oslo.',
  /** Token counts of the two successful calls, as the fake server reports them. */
  usage: [
    { promptTokens: 57, completionTokens: 18 },
    { promptTokens: 96, completionTokens: 14 },
  ],
});

/** The replies of {@link SCRIPT}: ask for the tool, answer, fail. */
function weatherReplies(): ModelReply[] {
  return [
    toolCallReply('get_weather', SCRIPT.toolArguments, { callId: SCRIPT.toolCallId, usage: SCRIPT.usage[0] }),
    textReply(SCRIPT.answer, { usage: SCRIPT.usage[1] }),
    errorReply(500),
  ];
}

/**
 * A spool folder of the child's own (`OTEL_AGENT_AUDIT_SPOOL_DIR`): what
 * another scenario's process left in the shared default folder is not this
 * run's trail. The caller removes it.
 */
export function scenarioSpoolDir(): string {
  return mkdtempSync(join(tmpdir(), 'interop-spool-'));
}

export interface ScenarioRun {
  /**
   * Events the receiver stored, in arrival order, as the agent recorded them:
   * without the hash chain's fields and checkpoints (the child runs with the
   * chain on, as users do; `trail` is the verification of what it stored).
   */
  events: readonly StoredAuditEvent[];
  /** `verifyTrail` over every stored event, chain fields and checkpoints included. */
  trail: TrailReport;
  /** Requests the fake model server received. */
  modelRequests: readonly ModelRequest[];
  stdout: string;
  stderr: string;
}

/**
 * Starts the receiver and the fake model server, runs
 * `test/interop/scenarios/<scenario>.mjs` to completion, and returns what
 * the servers saw. `env` adds variables for the child (e.g. content capture);
 * `captureName` names the capture file when `INTEROP_CAPTURE=1`.
 */
export async function runScenario(
  scenario: string,
  env: Record<string, string> = {},
  captureName = scenario,
  replies: readonly ModelReply[] = weatherReplies(),
): Promise<ScenarioRun> {
  const receiverKey = 'interop-receiver-key';
  const receiver = await startAuditReceiver({ port: 0, apiKey: receiverKey });
  const model = await startFakeOpenAIServer();
  model.enqueue(...replies);
  const spoolDir = scenarioSpoolDir();
  try {
    // The child sees none of this process's OTel or vendor settings.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !k.startsWith('SECUREAGENTICS_') && !k.startsWith('INTEROP_')),
    );
    const capture: Record<string, string> = process.env.INTEROP_CAPTURE === '1'
      ? { INTEROP_CAPTURE_FILE: `${root}test/interop/captured/${captureName}.json` }
      : {};
    const location = scenarioLocation(scenario);
    const { stdout, stderr } = await run(process.execPath, [location.script], {
      cwd: location.cwd,
      timeout: 60_000,
      env: {
        ...inherited,
        INTEROP_RECEIVER_URL: receiver.url,
        INTEROP_RECEIVER_KEY: receiverKey,
        INTEROP_MODEL_URL: `${model.url}/v1`,
        INTEROP_MODEL_KEY: model.apiKey,
        OTEL_AGENT_AUDIT_SPOOL_DIR: spoolDir,
        ...capture,
        ...env,
      },
    });
    checkLoadedFrom(location, stdout);
    const stored = [...receiver.events()];
    return { events: stored.filter((e) => e.payload['name'] !== CHECKPOINT_NAME).map(withoutChainFields), trail: verifyTrail(stored), modelRequests: [...model.requests], stdout, stderr };
  } finally {
    await Promise.all([receiver.close(), model.close()]);
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** `event` as the agent recorded it: without the hash chain's fields. */
export function withoutChainFields(event: StoredAuditEvent): StoredAuditEvent {
  const { [AUDIT_STREAM_ID]: _stream, [AUDIT_SEQUENCE_NUMBER]: _sequence, [AUDIT_SEQUENCE_PREV_HASH]: _prev, ...payload } = event.payload;
  return { ...event, payload };
}
