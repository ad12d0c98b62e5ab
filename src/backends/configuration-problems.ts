/**
 * Problems only the user can fix (a refused key, a wrong URL, an unwritable
 * file), met while delivering. Each kind is said once per backend, in full:
 * what happened, what it affected, what to check. The losses it causes then
 * reach the delivery queue as plain rejections that only name the problem,
 * so the queue's loss totals count them without repeating the diagnosis and
 * nothing says it a second time.
 */
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { PROCESS_NOTICE_SINKS, SAID_AS_CONFIG_PROBLEM, type NoticeSinks } from '../deliver/delivery-notices.js';

/** A rejection only the user can fix, as a backend first meets it. */
export interface ConfigurationFailure {
  readonly kind: 'rejected';
  readonly configError: true;
  /** What happened, what it affected and what to check; never a key or token. */
  readonly reason: string;
  /** Short and the same for every failure of its kind (no counts, no ids), e.g. `agentsudo: 401 on POST /ingest-event`. */
  readonly problem: string;
  readonly tooLarge?: false;
}

/**
 * A configuration failure of kind `problem`, explained by `reason`.
 *
 * @example
 * configurationFailure('agentsudo: 401 on POST /ingest-event', 'agentsudo: 401 on POST /ingest-event — 1 event not delivered. Check AGENTSUDO_API_KEY.');
 */
export function configurationFailure(problem: string, reason: string): ConfigurationFailure {
  return { kind: 'rejected', configError: true, reason, problem };
}

/**
 * Says each kind of configuration failure of one backend once, and turns it
 * into the rejection the delivery queue counts.
 *
 * @example
 * const problems = new ConfigurationProblems('agentsudo');
 * return problems.told(await deliverBatch(events)); // a 401 is logged the first time only
 */
export class ConfigurationProblems {
  private readonly said = new Set<string>();

  /**
   * @param saidAtSetup a problem the backend reported as its `configProblem`: the pipeline says that one at setup.
   * @param sinks where it is said: a process warning, visible without any logger set up.
   */
  constructor(
    _backend: string,
    saidAtSetup?: ConfigurationFailure,
    private readonly sinks: NoticeSinks = PROCESS_NOTICE_SINKS,
  ) {
    if (saidAtSetup) this.said.add(saidAtSetup.problem);
  }

  /**
   * `outcome` as the delivery queue should see it. A configuration failure
   * is logged the first time its kind is met and goes on without
   * `configError` (set, it would make the queue say it again) and with a
   * reason that only names it. Any other outcome is returned as it is.
   */
  told(outcome: DeliveryOutcome): DeliveryOutcome {
    const problem = problemOf(outcome);
    if (problem === undefined) return outcome;
    if (!this.said.has(problem)) {
      this.said.add(problem);
      this.sinks.warn(outcome.reason ?? problem);
    }
    return { kind: 'rejected', reason: `${problem} — ${SAID_AS_CONFIG_PROBLEM}` };
  }
}

function problemOf(outcome: DeliveryOutcome): string | undefined {
  if (outcome.kind !== 'rejected' || outcome.configError !== true) return undefined;
  const problem = (outcome as Partial<ConfigurationFailure>).problem;
  return typeof problem === 'string' ? problem : undefined;
}
