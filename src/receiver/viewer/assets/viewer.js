// The trail viewer page: plain JavaScript, no framework, no build step.
// Everything it shows from the trail is untrusted (prompts, model output,
// tool arguments), so it is only ever written with textContent and text
// nodes, never as HTML; the page's CSP forbids inline script besides.
'use strict';

(() => {
  const KEY_STORAGE = 'otel-agent-audit.viewer.key';
  const RECONNECT_MILLIS = 2000;
  const REFRESH_DEBOUNCE_MILLIS = 200;
  const MARKER = /\[REDACTED:[^\]\s]*\]/g;
  const IDENTITY = new Set(['event_id', 'span_id', 'parent_span_id', 'session_id', 'agent_name', 'agent_id']);
  const TYPE_LABELS = { prompt: 'prompt', completion: 'completion', tool_call: 'tool call', error: 'error', custom: 'custom' };

  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem(KEY_STORAGE),
    sessions: [],
    selected: null,
    /** Bumped on each selection, so a slow answer for an earlier one is dropped. */
    loading: 0,
    rows: [],
    rowIds: new Set(),
    /** Live events of the selected session that arrived while its events were being fetched. */
    arrivedWhileLoading: null,
    refreshTimer: null,
    streaming: false,
    connectedBefore: false,
  };

  class Unauthorized extends Error {}

  function authHeaders() {
    // The key travels in a header only, never in a URL.
    return state.key ? { authorization: `Bearer ${state.key}` } : {};
  }

  async function api(path) {
    const response = await fetch(path, { headers: authHeaders(), cache: 'no-store' });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

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

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }

  function countMarkers(text) {
    return (text.match(MARKER) || []).length;
  }

  // --- header bar -----------------------------------------------------------
  function renderTotals(totals) {
    $('total-events').textContent = String(totals.events);
    $('total-sessions').textContent = String(totals.sessions);
    $('total-loss').textContent = totals.lossEvents === 0 ? '0' : `${totals.lostEvents} events (${plural(totals.lossEvents, 'report')})`;
    $('loss').classList.toggle('nonzero', totals.lossEvents > 0);
    $('total-redactions').textContent = String(totals.redactions);
  }

  function setLive(on) {
    state.streaming = on;
    const live = $('live');
    live.className = on ? 'live-on' : 'live-off';
    live.textContent = on ? 'live' : 'reconnecting…';
  }

  // --- sessions list ----------------------------------------------------------
  function renderSessions() {
    const list = $('sessions');
    const fragment = document.createDocumentFragment();
    for (const session of state.sessions) fragment.append(sessionItem(session));
    list.replaceChildren(fragment);
    $('sessions-count').textContent = `(${state.sessions.length})`;
    $('no-sessions').hidden = state.sessions.length > 0;
  }

  function sessionItem(session) {
    const item = el('li', 'session');
    item.dataset.sessionId = session.id;
    item.tabIndex = 0;
    item.setAttribute('role', 'button');
    if (session.id === state.selected) item.classList.add('selected');
    item.append(el('div', 'agent', sessionName(session)));
    item.append(el('div', 'sid', session.id));
    const counts = Object.entries(session.counts).map(([type, n]) => `${n} ${TYPE_LABELS[type] ?? type}`);
    item.append(el('div', 'counts', `${formatTime(session.last)} · ${plural(session.events, 'event')}: ${counts.join(', ')}`));
    const badges = el('div', 'badges');
    if (session.errors > 0) badges.append(badge('error', plural(session.errors, 'error')));
    if (session.blockedToolCalls > 0) badges.append(badge('block', `${session.blockedToolCalls} blocked`));
    if (session.flaggedToolCalls > 0) badges.append(badge('flag', `${session.flaggedToolCalls} flagged`));
    if (session.redactions > 0) badges.append(badge('redacted', `${session.redactions} redacted`));
    if (badges.childElementCount > 0) item.append(badges);
    item.addEventListener('click', () => select(session.id));
    item.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') select(session.id);
    });
    return item;
  }

  /** The agent's name; events recorded outside any session (a stream's checkpoints) are grouped per agent. */
  function sessionName(session) {
    if (session.agentName !== null) return session.agentName;
    return session.id.startsWith('no-session.') ? 'outside a session' : session.agentId;
  }

  async function refresh() {
    const [list, totals] = await Promise.all([api('api/sessions'), api('api/summary')]);
    state.sessions = list.sessions;
    renderSessions();
    renderTotals(totals);
    const current = state.sessions.find((session) => session.id === state.selected);
    // The first time there are sessions, show one: the address's, else the newest.
    if (state.loading === 0 && state.sessions.length > 0) await select((current ?? state.sessions[0]).id);
    else if (current !== undefined) renderSessionHead(current);
  }

  function scheduleRefresh() {
    if (state.refreshTimer !== null) return;
    state.refreshTimer = setTimeout(() => {
      state.refreshTimer = null;
      refresh().catch(reportFailure);
    }, REFRESH_DEBOUNCE_MILLIS);
  }

  // --- a session's timeline -------------------------------------------------
  async function select(id) {
    state.selected = id;
    const loading = ++state.loading;
    history.replaceState(null, '', `#session=${encodeURIComponent(id)}`);
    for (const item of $('sessions').children) item.classList.toggle('selected', item.dataset.sessionId === id);
    state.arrivedWhileLoading = [];
    const found = await api(`api/sessions/${encodeURIComponent(id)}/events`);
    if (loading !== state.loading) return;
    const arrived = state.arrivedWhileLoading;
    state.arrivedWhileLoading = null;
    renderSessionHead(found.session);
    state.rows = [];
    state.rowIds = new Set();
    $('timeline').replaceChildren();
    addRows(found.events, false);
    addRows(arrived, true);
  }

  function renderSessionHead(session) {
    $('session-title').textContent = `${sessionName(session)} · ${session.id}`;
    const parts = [`${formatTime(session.first)} – ${formatTime(session.last)}`, plural(session.events, 'event'), `agent ${session.agentId}`];
    $('session-meta').textContent = parts.join(' · ');
  }

  /** Adds events to the timeline in time order, each once; one DOM insertion per run of appended rows. */
  function addRows(events, fresh) {
    const timeline = $('timeline');
    let tail = document.createDocumentFragment();
    for (const event of events) {
      if (state.rowIds.has(event.id)) continue;
      state.rowIds.add(event.id);
      const row = buildRow(event);
      if (fresh) row.el.classList.add('fresh');
      applyFilter(row, currentFilter());
      const at = insertionIndex(row.time);
      if (at === state.rows.length) {
        state.rows.push(row);
        tail.append(row.el);
      } else {
        timeline.append(tail);
        tail = document.createDocumentFragment();
        timeline.insertBefore(row.el, state.rows[at].el);
        state.rows.splice(at, 0, row);
      }
    }
    timeline.append(tail);
    renderShown();
  }

  function insertionIndex(time) {
    let index = state.rows.length;
    while (index > 0 && state.rows[index - 1].time > time) index--;
    return index;
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

  // --- search and filters -----------------------------------------------------
  function currentFilter() {
    return {
      text: $('search').value.trim().toLowerCase(),
      type: $('filter-type').value,
      policy: $('filter-policy').value,
    };
  }

  function applyFilter(row, filter) {
    const shown =
      (filter.type === '' || row.event.type === filter.type) &&
      (filter.policy === '' || row.decisions.has(filter.policy)) &&
      (filter.text === '' || row.haystack.includes(filter.text));
    row.el.hidden = !shown;
  }

  function applyFilters() {
    const filter = currentFilter();
    for (const row of state.rows) applyFilter(row, filter);
    renderShown();
  }

  function renderShown() {
    const shown = state.rows.filter((row) => !row.el.hidden).length;
    $('shown').textContent = `${shown} of ${plural(state.rows.length, 'event')}`;
  }

  // --- live updates -------------------------------------------------------------
  /** Reads the event stream with fetch (EventSource cannot send the key) and reconnects when it drops. */
  async function stream() {
    let opened = false;
    try {
      const response = await fetch('api/stream', { headers: authHeaders(), cache: 'no-store' });
      if (response.status === 401) return askForKey(true);
      if (!response.ok || response.body === null) throw new Error(`api/stream: HTTP ${response.status}`);
      opened = true;
      setLive(true);
      if (state.connectedBefore) {
        // Whatever was stored while the stream was down: the rows are deduplicated by id.
        refresh().catch(reportFailure);
        if (state.selected !== null) select(state.selected).catch(reportFailure);
      }
      state.connectedBefore = true;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          onMessage(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (!opened) reportFailure(error);
    }
    setLive(false);
    setTimeout(() => void stream(), RECONNECT_MILLIS);
  }

  /** One Server-Sent Events message (HTML §9.2.6): `event:` and `data:` lines; comments start with ':'. */
  function onMessage(text) {
    let type = 'message';
    const data = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (type !== 'stored' || data.length === 0) return;
    const message = JSON.parse(data.join('\n'));
    if (message.session === state.selected) {
      if (state.arrivedWhileLoading !== null) state.arrivedWhileLoading.push(message.event);
      else addRows([message.event], true);
    }
    scheduleRefresh();
  }

  // --- the key ----------------------------------------------------------------------
  function askForKey(refused) {
    $('main').hidden = true;
    $('key-form').hidden = false;
    $('key-error').hidden = !(refused && state.key);
    $('key-input').focus();
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.key = $('key-input').value.trim();
    sessionStorage.setItem(KEY_STORAGE, state.key);
    $('key-form').hidden = true;
    start().catch(reportFailure);
  });

  // --- start --------------------------------------------------------------------------
  function formatTime(timestamp) {
    const millis = Date.parse(timestamp);
    return Number.isNaN(millis) ? String(timestamp) : new Date(millis).toISOString().slice(11, 23);
  }

  function timeOf(timestamp) {
    const millis = Date.parse(timestamp);
    return Number.isNaN(millis) ? 0 : millis;
  }

  function reportFailure(error) {
    if (error instanceof Unauthorized) return askForKey(true);
    console.error('trail viewer:', error);
  }

  async function start() {
    // A reload keeps the session it showed (the address's #session=…).
    const wanted = /^#session=(.+)$/.exec(location.hash);
    if (wanted !== null && state.selected === null) state.selected = decodeURIComponent(wanted[1]);
    try {
      await refresh();
    } catch (error) {
      if (error instanceof Unauthorized) return askForKey(state.key !== null);
      throw error;
    }
    $('main').hidden = false;
    if (!state.streaming) void stream();
  }

  for (const id of ['search', 'filter-type', 'filter-policy']) $(id).addEventListener('input', applyFilters);
  start().catch(reportFailure);
})();
