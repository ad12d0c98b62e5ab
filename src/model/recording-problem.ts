/**
 * The mark a recording helper leaves where it could not record what the
 * agent handed it (a number as `messages`, options whose getters throw, an
 * object as a tool name): the span event's name and what it says.
 */

/**
 * Name of the span event that marks one such problem. It carries
 * `audit.recorded: true` and, as `audit.event.payload`, the JSON
 * `{ helper, field, problem }` (`problem` names the kind of value or what
 * reading it threw, never the value: it is written even when content capture
 * is off). The converters therefore turn it into a `custom` audit event of
 * this name, so the trail itself says the record of the call is incomplete.
 *
 * @example
 * // { helper: 'withLLMCall', field: 'messages', problem: 'it is a number, not a list' }
 */
export const AUDIT_RECORDING_PROBLEM = 'audit.recording.problem';

/** What one `audit.recording.problem` event says. */
export interface RecordingProblem {
  /** The helper that was given the input: `withLLMCall`, `withToolCall`, … */
  readonly helper: string;
  /** The argument or option that could not be recorded: `messages`, `name`, `options`, … */
  readonly field: string;
  /** What was wrong with it, without its content. */
  readonly problem: string;
}
