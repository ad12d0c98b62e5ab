/**
 * The plumbing shared by the strict one-endpoint vendor servers (AgenticAudit,
 * AgentSudo): every request recorded in arrival order, scripted replies, an
 * optional hold on every answer, and the peak number of requests in flight.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback, parseJson, readBody, sendJson } from './loopback-server.js';
import { sendScriptedReply, type ScriptedReply } from './scripted-reply.js';
import type { RecordedRequest } from './secureagentics-server.js';

export type { RecordedRequest } from './secureagentics-server.js';
export type { ScriptedReply } from './scripted-reply.js';

/** What normal handling answers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Consulted before normal handling (auth included); `n` counts requests from 0. */
export type ScriptFn = (req: RecordedRequest, n: number) => ScriptedReply | undefined;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Most requests that were ever being handled at once (arrived, not yet answered). */
  peakInFlight(): number;
  script(fn: ScriptFn | undefined): void;
  /** Holds every normal answer back this long, so concurrent requests overlap. */
  holdReplies(millis: number): void;
  close(): Promise<void>;
}

/** Starts a loopback server that records every request and answers with `handle` unless a script says otherwise. */
export async function startRecordingServer(handle: (req: RecordedRequest) => Reply): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  let hook: ScriptFn | undefined;
  let holdMillis = 0;
  let inFlight = 0;
  let peak = 0;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers,
      body: undefined, rawBody: '', receivedAt: Date.now(), status: 0,
    };
    const n = requests.push(record) - 1;
    peak = Math.max(peak, ++inFlight);
    res.once('close', () => inFlight--);
    try {
      record.rawBody = (await readBody(req)).toString('utf8');
      record.body = parseJson(record.rawBody);
      const scripted = hook?.(record, n);
      if (scripted !== undefined) {
        record.status = await sendScriptedReply(req, res, scripted, closing.signal);
        return;
      }
      if (holdMillis > 0) await sleep(holdMillis, undefined, { signal: closing.signal });
      const reply = handle(record);
      record.status = sendJson(res, reply.status, reply.body, reply.headers);
    } catch (cause) {
      // A client gone mid-body, or the server closing during a hold: nothing to answer.
      if (!res.headersSent && !res.destroyed) record.status = sendJson(res, 500, { error: `test server error: ${String(cause)}` });
    }
  }

  const loopback = await listenOnLoopback((req, res) => void onRequest(req, res));
  return {
    url: loopback.url,
    requests,
    peakInFlight: () => peak,
    script: (fn) => { hook = fn; },
    holdReplies: (millis) => { holdMillis = millis; },
    close: async () => {
      closing.abort();
      await loopback.close();
    },
  };
}
