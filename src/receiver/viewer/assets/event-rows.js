// The trail viewer's event rows: how one stored event is shown, as DOM
// built from text only. Everything in an event is untrusted (prompts, model
// output, tool arguments), so it is written with textContent and text nodes,
// never as HTML. Loaded before viewer.js, which takes what it needs from
// window.TrailRows.
'use strict';

(() => {
  const MARKER = /\[REDACTED:[^\]\s]*\]/g;
  const IDENTITY = new Set(['event_id', 'span_id', 'parent_span_id', 'session_id', 'agent_name', 'agent_id']);
  const TYPE_LABELS = { prompt: 'prompt', completion: 'completion', tool_call: 'tool call', error: 'error', custom: 'custom' };

  // --- small DOM helpers: text only ---------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Appends `text`, with each [REDACTED:…] marker in a span of its own, as text nodes only. */
  function appendMarked(parent, text) {
    let last = 0;
    for (const match of text.matchAll(MARKER)) {
      if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
      parent.append(el('span', 'mark', match[0]));
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
    return parent;
  }

  function block(className, value) {
    // Small values on one line; larger ones indented, to be read.
    const flat = typeof value === 'string' ? value : JSON.stringify(value);
    const text = typeof value === 'string' || (flat ?? '').length <= 100 ? flat : JSON.stringify(value, null, 2);
    return appendMarked(el('pre', className), text ?? '');
  }

  function badge(kind, text) {
    return el('span', `badge ${kind}`, text);
  }

  function countMarkers(text) {
    return (text.match(MARKER) || []).length;
  }

  function buildRow(event) {
    const payload = event.payload ?? {};
    const json = JSON.stringify(event);
    const item = el('li', `event type-${TYPE_LABELS[event.type] ? event.type : 'custom'}`);
    item.dataset.type = event.type;
    item.dataset.eventId = event.id;
    item.append(el('span', 'time', formatTime(event.timestamp)));
    item.lastChild.title = event.timestamp;
    item.append(el('span', 'kind', TYPE_LABELS[event.type] ?? event.type));
    const body = el('div', 'body');
    const head = el('div', 'head');
    body.append(head);
    const decisions = new Set();
    const policy = event.policy_result ?? { decision: 'allow', violations: [] };
    decisions.add(policy.decision);
    const gate = payload.decision && typeof payload.decision === 'object' ? payload.decision : null;
    if (gate && gate.verdict) decisions.add(gate.verdict === 'deny' ? 'block' : gate.verdict);
    describe(event.type, payload, head, body);
    head.append(badge(policy.decision, `policy: ${policy.decision}`));
    if (gate && gate.verdict) head.append(badge(gate.verdict === 'allow' ? 'allow' : gate.verdict === 'unavailable' ? 'flag' : 'block', `gate: ${gate.verdict}`));
    const redactions = countMarkers(json);
    if (redactions > 0) head.append(badge('redacted', `${redactions} redacted`));
    if (policy.violations && policy.violations.length > 0) {
      const list = el('div', 'violations');
      list.textContent = policy.violations.map((v) => `${v.policy}: ${v.reason}`).join('; ');
      body.append(list);
    }
    if (policy.decision === 'block' || (gate && gate.verdict === 'block')) item.classList.add('blocked');
    body.append(rawDetails(event));
    item.append(body);
    return { el: item, event, time: timeOf(event.timestamp), haystack: json.toLowerCase(), decisions };
  }

  /** The title and content of one event, by type. */
  function describe(type, payload, head, body) {
    const title = (text) => head.append(el('span', 'title', text));
    const label = (text) => body.append(el('div', 'label', text));
    switch (type) {
      case 'prompt':
        title(payload.model ?? 'prompt');
        if (payload.token_count !== undefined) head.append(el('span', 'muted', `${payload.token_count} tok`));
        body.append(block('text', payload.prompt ?? payload.messages ?? ''));
        return;
      case 'completion':
        title(payload.model ?? 'completion');
        if (payload.token_count !== undefined) head.append(el('span', 'muted', `${payload.token_count} tok`));
        body.append(block('text', payload.response ?? payload.messages ?? ''));
        return;
      case 'tool_call':
        title(payload.tool_name ?? 'tool call');
        head.append(el('span', 'muted', payload.status === 'pending' ? 'asked before running' : payload.status ?? ''));
        label('arguments');
        body.append(block('', payload.arguments ?? null));
        if (payload.result !== undefined) {
          label('result');
          body.append(block('', payload.result));
        }
        return;
      case 'error':
        title(payload.error_type ?? 'error');
        body.append(block('text', payload.message ?? ''));
        if (typeof payload.stacktrace === 'string') body.append(details('stack trace', () => block('', payload.stacktrace)));
        return;
      default:
        describeCustom(payload, title, label, body);
    }
  }

  function describeCustom(payload, title, label, body) {
    title(payload.name ?? 'custom');
    if (payload.name === 'tool_call.result') {
      label(`${payload.tool_name ?? 'tool'} → ${payload.status ?? ''}`);
      if (payload.result !== undefined) body.append(block('', payload.result));
    } else if (payload.name === 'audit.loss') {
      label(`${payload.lost ?? '?'} events lost on the way to ${payload.backend ?? 'a backend'}`);
      body.append(block('', payload.by_reason ?? {}));
    } else if (payload.name === 'session.end' || payload.name === 'session.start') {
      if (payload.outcome !== undefined) label(`outcome: ${payload.outcome}`);
    } else if (payload.name !== 'audit.checkpoint') {
      const rest = Object.fromEntries(Object.entries(payload).filter(([key]) => !IDENTITY.has(key) && !key.startsWith('audit.') && key !== 'name'));
      if (Object.keys(rest).length > 0) body.append(block('', rest));
    }
  }

  function details(summaryText, build) {
    const node = el('details');
    node.append(el('summary', '', summaryText));
    // Filled when first opened: hundreds of events render without building hidden content.
    node.addEventListener('toggle', () => {
      if (node.open && node.childElementCount === 1) node.append(build());
    });
    return node;
  }

  function rawDetails(event) {
    return details('raw event', () => block('', event));
  }

  function formatTime(timestamp) {
    const millis = Date.parse(timestamp);
    return Number.isNaN(millis) ? String(timestamp) : new Date(millis).toISOString().slice(11, 23);
  }

  function timeOf(timestamp) {
    const millis = Date.parse(timestamp);
    return Number.isNaN(millis) ? 0 : millis;
  }


  window.TrailRows = Object.freeze({ el, badge, buildRow, formatTime, TYPE_LABELS });
})();
