/**
 * The notices a user sees about one backend without any logging set up: the
 * first delivery once, the first failure once (worded by its kind), and never
 * a second say for a failure already told as a configuration problem.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryNotices, SAID_AS_CONFIG_PROBLEM, type NoticeSinks } from '../../../src/deliver/delivery-notices.js';

function notices(announce = true): { notices: DeliveryNotices; warned: string[]; told: string[] } {
  const warned: string[] = [];
  const told: string[] = [];
  const sinks: NoticeSinks = { warn: (m) => warned.push(m), info: (m) => told.push(m) };
  return { notices: new DeliveryNotices('acme', { announce }, sinks), warned, told };
}

describe('DeliveryNotices', () => {
  it('says the first delivery once, with the count and how to hide the line', () => {
    const { notices: n, warned, told } = notices();
    n.afterAttempt({ kind: 'delivered' }, 3);
    n.afterAttempt({ kind: 'delivered' }, 5);
    expect(told).toEqual(['otel-agent-audit: acme took its first batch (3 audit events); audit export works. (Set OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY=false to hide this line.)']);
    expect(warned).toEqual([]);
  });

  it('says nothing at the first delivery with announce off', () => {
    const { notices: n, told } = notices(false);
    n.afterAttempt({ kind: 'delivered' }, 1);
    expect(told).toEqual([]);
  });

  it('warns of the first failure once, saying whether the events wait or are lost', () => {
    const retried = notices();
    retried.notices.afterAttempt({ kind: 'retryable', reason: 'acme: 503 on POST /events (busy)' }, 1);
    retried.notices.afterAttempt({ kind: 'retryable', reason: 'acme: 503 on POST /events (busy)' }, 1);
    expect(retried.warned).toEqual([
      'otel-agent-audit: acme: a delivery failed (acme: 503 on POST /events (busy)); it is retried, and the events wait until it is taken. Later failures are reported through diag (OTEL_LOG_LEVEL) and in stats().',
    ]);

    const refused = notices();
    refused.notices.afterAttempt({ kind: 'rejected', reason: 'acme: 400 on POST /events (bad field)' }, 2);
    refused.notices.afterAttempt({ kind: 'retryable', reason: 'acme: 503' }, 2);
    expect(refused.warned).toHaveLength(1);
    expect(refused.warned[0]).toContain('it is not retried, and those events are counted as failed');
  });

  it('leaves a configuration problem to configProblem, and counts it as the first failure', () => {
    const { notices: n, warned } = notices();
    n.afterAttempt({ kind: 'rejected', reason: `acme: 401 on POST /events — ${SAID_AS_CONFIG_PROBLEM}` }, 1);
    n.afterAttempt({ kind: 'rejected', reason: 'acme: no key', configError: true }, 1);
    expect(warned).toEqual([]);

    n.configProblem('acme: 401 on POST /events (bad key). Check ACME_API_KEY.');
    n.afterAttempt({ kind: 'retryable', reason: 'acme: 503' }, 1);
    expect(warned).toEqual(['acme: 401 on POST /events (bad key). Check ACME_API_KEY.']);
  });

  it('leaves an unreachable service to the outage notice, whose first is said even after another failure', () => {
    const { notices: n, warned } = notices();
    n.afterAttempt({ kind: 'retryable', reason: 'acme: 500 on POST /events' }, 1);
    n.afterAttempt({ kind: 'retryable', reason: 'acme: ECONNREFUSED', unreachable: true }, 1);
    expect(warned).toHaveLength(1);
    expect(n.unreachable('acme: cannot reach the service')).toBe(true);
    expect(n.unreachable('acme: cannot reach the service')).toBe(false);
    expect(warned.slice(1)).toEqual(['acme: cannot reach the service']);
    n.afterAttempt({ kind: 'retryable', reason: 'acme: 503' }, 1);
    expect(warned).toHaveLength(2);
  });

  it('does not call a batch the service kept none of a first delivery, and warns of what it refused', () => {
    const none = notices();
    none.notices.afterAttempt({ kind: 'delivered', rejected: 2, reason: 'stored: false' }, 2);
    expect(none.told).toEqual([]);
    expect(none.warned).toEqual([
      'otel-agent-audit: acme: a delivery failed (the service took the request but did not keep 2 of its 2 audit events (stored: false)); those events are counted as failed. Later failures are reported through diag (OTEL_LOG_LEVEL) and in stats().',
    ]);

    const some = notices();
    some.notices.afterAttempt({ kind: 'delivered', rejected: 1 }, 3);
    expect(some.told).toEqual([expect.stringContaining('acme took its first batch (2 audit events)')]);
    expect(some.warned).toEqual([expect.stringContaining('did not keep 1 of its 3 audit events')]);
  });

  it('waits for the split of a batch too large for one request: only a single event refused for its size is a failure', () => {
    const { notices: n, warned } = notices();
    n.afterAttempt({ kind: 'rejected', reason: 'acme: 413 on POST /events', tooLarge: true }, 100);
    expect(warned).toEqual([]);
    n.afterAttempt({ kind: 'rejected', reason: 'acme: 413 on POST /events', tooLarge: true }, 1);
    expect(warned).toEqual([expect.stringContaining('a delivery failed (acme: 413 on POST /events); it is not retried')]);
  });

  it('says a send that threw, once, as the first failure', () => {
    const { notices: n, warned } = notices();
    n.afterThrow(new TypeError('cannot read properties of undefined'), 4);
    n.afterThrow(new TypeError('cannot read properties of undefined'), 4);
    expect(warned).toEqual([
      'otel-agent-audit: acme: a delivery failed (the backend threw while sending 4 audit events (cannot read properties of undefined)); it is retried as an unexpected error. Later failures are reported through diag (OTEL_LOG_LEVEL) and in stats().',
    ]);
  });
});
