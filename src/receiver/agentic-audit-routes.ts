// AgenticAudit's `POST /v1/events` (audit-apis.md §3) on the local receiver:
// validated as the service validates (422 naming the field), assessed with
// the demonstration policies, kept in the same JSONL trail, answered `201`
// with the stored event and its assessment.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assessAgenticAuditEvent } from './agentic-audit-assessment.js';
import { validateAgenticAuditRequest, type AgenticAuditAssessment, type AgenticAuditRequest, type StoredAgenticAuditEvent } from './agentic-audit-event.js';
import type { AgenticEntry } from './agentic-event-log.js';
import { BodyLimitError } from './body-limit-error.js';
import { HttpError } from './http-error.js';
import { readJsonBody, sendJson, type JsonBody } from './http-json.js';
import { newId } from './ids.js';
import { mayHoldFindings } from './policies.js';
import type { RouteContext } from './route-context.js';

/** `POST /v1/events`: one event in, the stored event out (or the stored one again for a retry). */
export async function postAgenticAuditEvent(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const body = await readBody(req, ctx);
  const request = validateAgenticAuditRequest(body.value);
  const retried = ctx.store.agentic.storedRetry(request);
  if (retried !== undefined) {
    // Not before the stored event is on disk: it may still be on its way.
    await retried.durable;
    return sendJson(res, 201, retried.json);
  }
  const entry = toEntry(request, assessAgenticAuditEvent(request, ctx.deniedTools, mayHoldFindings(body.text)));
  await ctx.store.agentic.append(entry);
  ctx.onAgenticStored?.(entry.event);
  sendJson(res, 201, entry.json);
}

/** The body as JSON; unparsable JSON is a 422 here, as FastAPI answers it (the receiver's own limits are not). */
async function readBody(req: IncomingMessage, ctx: RouteContext): Promise<JsonBody> {
  try {
    return await readJsonBody(req, ctx.limits);
  } catch (error) {
    if (error instanceof HttpError && !(error instanceof BodyLimitError) && error.status === 400) {
      throw new HttpError(422, error.message);
    }
    throw error;
  }
}

function toEntry(request: AgenticAuditRequest, assessment: AgenticAuditAssessment): AgenticEntry {
  const event: StoredAgenticAuditEvent = {
    id: newId('evt'),
    agent_id: request.agent_id,
    action: request.action,
    data: request.data,
    context: request.context,
    reasoning: request.reasoning,
    risk_level: assessment.risk_level,
    pii_detected: assessment.pii_detected,
    pii_fields: assessment.pii_fields,
    frameworks: assessment.frameworks,
    created_at: new Date().toISOString(),
    stored: true,
    decision: assessment.decision,
    reason: assessment.reason,
  };
  try {
    return { event, json: JSON.stringify(event) };
  } catch (error) {
    // JSON.stringify overflows the stack on data nested thousands deep.
    if (error instanceof RangeError) throw new HttpError(422, 'data is nested too deeply to store');
    throw error;
  }
}
