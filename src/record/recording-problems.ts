/**
 * What a recording helper could not record, noted while it reads the
 * agent's input and written on its span: one `audit.recording.problem`
 * event per problem (see `model/recording-problem.ts`), and one `diag`
 * warning per kind (helper and field) per process, so a bad call in a loop
 * does not flood the log.
 */
import { type Span } from '@opentelemetry/api';
import { AUDIT_EVENT_PAYLOAD, AUDIT_RECORDED } from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { describeThrown, errorType } from '../model/error-value.js';
import { AUDIT_RECORDING_PROBLEM, type RecordingProblem } from '../model/recording-problem.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:record');

/** Kinds already warned about, as `helper field`: a small fixed set, since fields are names, never values. */
const warned = new Set<string>();

/**
 * The problems of one helper call. Noted before the span starts, they wait
 * for {@link RecordingProblems.bind}; noted after, they go on the span at once.
 *
 * @example
 * const problems = new RecordingProblems('withToolCall');
 * problems.note('name', 'it is an object, not text');
 * runInSpan(…, (span) => { problems.bind(span); … });
 */
export class RecordingProblems {
  private pending: RecordingProblem[] | undefined;
  private span: Span | undefined;
  private noted: Set<string> | undefined; // made on the first problem: most calls have none

  constructor(readonly helper: string) {}

  /**
   * Notes that `field` could not be recorded (or only in part). `problem`
   * goes into the audit trail, so it names kinds, never values; `detail`
   * (a thrown message, say) goes only to the local `diag` warning.
   */
  note(field: string, problem: string, detail?: string): void {
    const found: RecordingProblem = { helper: this.helper, field, problem };
    (this.noted ??= new Set()).add(field);
    if (this.span) write(this.span, found);
    else (this.pending ??= []).push(found);
    warnOnce(found, detail);
  }

  /** Notes that reading `field` threw `thrown`: its type in the trail, its message in the warning. */
  noteThrown(field: string, thrown: unknown, where = 'reading it'): void {
    this.note(field, `${where} threw ${errorType(thrown)}`, describeThrown(thrown));
  }

  /**
   * Runs `record`, which records `field`; a throw from it is noted, not
   * passed on: recording must not fail the agent's call.
   */
  attempt(field: string, record: () => void): void {
    try {
      record();
    } catch (error) {
      this.noteThrown(field, error, 'recording it');
    }
  }

  /** Whether a problem with `field` was noted already (so one cause is not reported twice). */
  has(field: string): boolean {
    return this.noted?.has(field) ?? false;
  }

  /** Writes what was noted so far on `span`, and from now on each problem as it is noted. */
  bind(span: Span): void {
    this.span = span;
    if (this.pending) for (const found of this.pending.splice(0)) write(span, found);
  }
}

function write(span: Span, problem: RecordingProblem): void {
  try {
    // The same carrier as recordEvent's events: the converters need no rule of their own for it.
    span.addEvent(AUDIT_RECORDING_PROBLEM, { [AUDIT_RECORDED]: true, [AUDIT_EVENT_PAYLOAD]: JSON.stringify(problem) }, auditNow());
  } catch (error) {
    log.debug('could not mark a recording problem on a span', error);
  }
}

function warnOnce({ helper, field, problem }: RecordingProblem, detail: string | undefined): void {
  const kind = `${helper} ${field}`;
  if (warned.has(kind)) return;
  warned.add(kind);
  log.warn(
    `${helper} could not record its ${field}: ${problem}${detail === undefined ? '' : ` (${detail})`}. ` +
      `The agent's call ran unchanged; its audit record is marked with an '${AUDIT_RECORDING_PROBLEM}' event. ` +
      `Check what the agent passes as ${field}. (Said once per kind of problem.)`,
  );
}
