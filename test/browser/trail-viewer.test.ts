// The trail viewer in a real headless Chromium, against a real receiver on
// 127.0.0.1:0 that replays the demo's trail (examples/demo.mjs, run for real).
// Screenshots go to test-artifacts/viewer/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuditReceiver, type AuditReceiver } from '../../src/receiver/index.js';
import { recordDemoTrail } from './demo-trail.js';
import { launchChromium, openPage, screenshot } from './viewer-browser.js';

const XSS = '<img src=x onerror="window.__xss = 1">';
const SETUP_TIMEOUT_MILLIS = 60_000;

let work: string;
let browser: Browser;
let receiver: AuditReceiver;
let page: Page;
let errors: string[] = [];

/** An element's `data-*` attributes, as the page reads them (the tests compile without the DOM types). */
interface Dataset {
  dataset: Record<string, string | undefined>;
}

interface Session {
  id: string;
  agentId: string;
  agentName: string | null;
  counts: Record<string, number>;
}

/** The receiver's API, as a client of the Secureagentics API would call it. */
async function post(target: AuditReceiver, path: string, body: unknown, token = 'viewer-test'): Promise<any> {
  const response = await fetch(target.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `POST ${path}`).toBeLessThan(300);
  return response.json();
}

async function sessions(): Promise<Session[]> {
  return ((await (await fetch(`${receiver.url}/ui/api/sessions`)).json()) as { sessions: Session[] }).sessions;
}

async function sessionOf(agentName: string): Promise<Session> {
  const found = (await sessions()).find((session) => session.agentName === agentName);
  expect(found, `a session of ${agentName}`).toBeDefined();
  return found!;
}

/** The timeline rows the filters leave visible, as their `data-type`. */
function visibleTypes(): Promise<string[]> {
  return page.locator('#timeline li.event:visible').evaluateAll((rows) => rows.map((row) => (row as unknown as Dataset).dataset['type']!));
}

async function openSession(agentName: string): Promise<Session> {
  const session = await sessionOf(agentName);
  await page.locator(`#sessions li.session[data-session-id="${session.id}"]`).click();
  await expect.poll(() => page.locator('#timeline li.event').count()).toBe(Object.values(session.counts).reduce((a, b) => a + b, 0));
  return session;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trail-viewer-'));
  const trail = join(work, 'audit-trail.jsonl');
  [browser] = await Promise.all([launchChromium(), recordDemoTrail(trail)]);
  receiver = await startAuditReceiver({ port: 0, host: '127.0.0.1', file: trail, deniedTools: ['delete_customer'] });
  // An event whose content is markup: it must show as text.
  const agent = await post(receiver, '/v1/agents', { name: 'markup-bot', framework: 'custom' });
  await post(receiver, `/v1/agents/${agent.id}/events`, { type: 'prompt', payload: { session_id: 'markup-session', agent_name: 'markup-bot', prompt: XSS } });
}, SETUP_TIMEOUT_MILLIS);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  await page?.context().close();
  expect(errors).toEqual([]);
  errors = [];
});

async function load(): Promise<void> {
  page = await openPage(browser, errors);
  await page.goto(receiver.viewerUrl!);
  await page.locator('#live.live-on').waitFor();
}

describe('the trail viewer', () => {
  it("lists the demo's sessions, newest first, with their counts and badges, and the trail's totals", async () => {
    await load();
    const expected = await sessions();
    await expect.poll(() => page.locator('#sessions li.session').count()).toBe(expected.length);
    const ids = await page.locator('#sessions li.session').evaluateAll((items) => items.map((item) => (item as unknown as Dataset).dataset['sessionId']));
    expect(ids).toEqual(expected.map((session) => session.id));
    const ops = page.locator(`#sessions li.session[data-session-id="${(await sessionOf('ops-bot')).id}"]`);
    await expect.poll(() => ops.locator('.badge.block').textContent()).toBe('1 blocked') // the gate's request and the outcome are one call;
    const support = page.locator(`#sessions li.session[data-session-id="${(await sessionOf('support-bot')).id}"]`);
    await expect.poll(() => support.locator('.badge.error').textContent()).toBe('1 error');

    const totals = (await (await fetch(`${receiver.url}/ui/api/summary`)).json()) as { events: number; redactions: number };
    expect(totals.redactions).toBeGreaterThan(0); // the demo's phone numbers, emails and key
    expect(await page.locator('#total-events').textContent()).toBe(String(totals.events));
    expect(await page.locator('#total-redactions').textContent()).toBe(String(totals.redactions));
    expect(await page.locator('#total-loss').textContent()).toBe('0');
    await openSession('support-bot');
    await screenshot(page, 'sessions');
  });

  it('narrows the timeline with the type and policy filters', async () => {
    await load();
    const ops = await openSession('ops-bot');

    await page.locator('#filter-type').selectOption('tool_call');
    await expect.poll(visibleTypes).toEqual(Array(ops.counts['tool_call']).fill('tool_call'));
    await page.locator('#filter-type').selectOption('');
    await page.locator('#filter-policy').selectOption('block');
    // The gate's request and the call's outcome: both blocked by the deny list.
    await expect.poll(visibleTypes).toEqual(['tool_call', 'tool_call']);
    expect(await page.locator('#timeline li.event:visible .title').allTextContents()).toEqual(['delete_customer', 'delete_customer']);
    expect(await page.locator('#shown').textContent()).toMatch(/^2 of \d+ events$/);
    await screenshot(page, 'filter-block');
  });

  it('finds events by their content with the search box', async () => {
    await load();
    await openSession('support-bot');
    await page.locator('#search').fill('postnord');
    await expect.poll(async () => (await page.locator('#timeline li.event:visible').allTextContents()).length).toBeGreaterThan(0);
    const shown = await page.locator('#timeline li.event:visible').count();
    expect(shown).toBeLessThan(await page.locator('#timeline li.event').count());
    // Every row shown holds the text (in what it shows or in its raw event).
    const rows = await page.locator('#timeline li.event:visible').evaluateAll((items) => items.map((item) => (item as unknown as Dataset).dataset['eventId']));
    const events = (await (await fetch(`${receiver.url}/ui/api/sessions/${encodeURIComponent((await sessionOf('support-bot')).id)}/events`)).json()) as { events: Array<{ id: string }> };
    const matching = events.events.filter((event) => JSON.stringify(event).toLowerCase().includes('postnord')).map((event) => event.id);
    expect(rows.sort()).toEqual(matching.sort());
    await screenshot(page, 'search');
  });

  it('shows an event stored after the page loaded, and a new session, without a reload', async () => {
    await load();
    const support = await openSession('support-bot');
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));

    const late = await post(receiver, `/v1/agents/${support.agentId}/events`, {
      type: 'tool_call',
      payload: { session_id: support.id, agent_name: 'support-bot', tool_name: 'refund_order', arguments: { orderId: 42 }, status: 'ok', result: { refunded: true } },
    });
    await page.locator(`#timeline li.event[data-event-id="${late.id}"]`).waitFor();
    expect(await page.locator(`#timeline li.event[data-event-id="${late.id}"] .title`).textContent()).toBe('refund_order');
    await post(receiver, `/v1/agents/${support.agentId}/events`, { type: 'prompt', payload: { session_id: 'late-session', agent_name: 'late-bot', prompt: 'hello' } });
    await page.locator('#sessions li.session[data-session-id="late-session"]').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await screenshot(page, 'live');
  });

  it('shows markup in an event as text, never as HTML', async () => {
    await load();
    await page.locator('#sessions li.session[data-session-id="markup-session"]').click();
    await expect.poll(() => page.locator('#timeline li.event .text').first().textContent()).toBe(XSS);
    expect(await page.locator('#timeline img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'markup-as-text');
  });
});

describe('the trail viewer of a receiver with an API key', () => {
  it('asks for the key, refuses a wrong one, then shows the trail', async () => {
    const locked = await startAuditReceiver({ port: 0, host: '127.0.0.1', apiKey: 'viewer-key-123', onWarning: () => {} });
    try {
      const agent = await post(locked, '/v1/agents', { name: 'locked-bot', framework: 'custom' }, 'viewer-key-123');
      await post(locked, `/v1/agents/${agent.id}/events`, { type: 'prompt', payload: { session_id: 'locked-session', prompt: 'hi' } }, 'viewer-key-123');
      page = await openPage(browser, errors);
      await page.goto(locked.viewerUrl!);
      await page.locator('#key-form').waitFor();
      expect(await page.locator('#main').isHidden()).toBe(true);

      await page.locator('#key-input').fill('wrong-key');
      await page.locator('#key-form button').click();
      await page.locator('#key-error').waitFor();
      await screenshot(page, 'api-key');

      await page.locator('#key-input').fill('viewer-key-123');
      await page.locator('#key-form button').click();
      await page.locator('#sessions li.session[data-session-id="locked-session"]').waitFor();
      await page.locator('#live.live-on').waitFor();
      expect(page.url()).not.toContain('viewer-key-123');
      // Live with the key too: the stream is read with the Authorization header.
      const late = await post(locked, `/v1/agents/${agent.id}/events`, { type: 'completion', payload: { session_id: 'locked-session', response: 'late' } }, 'viewer-key-123');
      await page.locator(`#timeline li.event[data-event-id="${late.id}"]`).waitFor();
    } finally {
      await page.context().close();
      await locked.close();
    }
  });
});
