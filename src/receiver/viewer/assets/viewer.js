// The trail viewer page: plain JavaScript, no framework, no build step.
// Everything it shows from the trail is untrusted (prompts, model output,
// tool arguments), so it is only ever written with textContent and text
// nodes, never as HTML; the page's CSP forbids inline script besides.
'use strict';

(() => {
  const KEY_STORAGE = 'otel-agent-audit.viewer.key';
  const RECONNECT_MILLIS = 2000;
  const REFRESH_DEBOUNCE_MILLIS = 200;

  const { el, badge, buildRow, formatTime, TYPE_LABELS } = window.TrailRows;
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

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
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
    let found;
    try {
      found = await api(`api/sessions/${encodeURIComponent(id)}/events`);
    } catch (error) {
      // Not left buffering: live events of a session that failed to load (gone from memory) must not pile up.
      if (loading === state.loading) state.arrivedWhileLoading = null;
      throw error;
    }
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
  function reportFailure(error) {
    if (error instanceof Unauthorized) return askForKey(true);
    console.error('trail viewer:', error);
  }

  async function start() {
    // A reload keeps the session it showed (the address's #session=…).
    const wanted = /^#session=(.+)$/.exec(location.hash);
    if (wanted !== null && state.selected === null) {
      // A hand-edited or cut-off address must not leave the page blank.
      try {
        state.selected = decodeURIComponent(wanted[1]);
      } catch {
        state.selected = null;
      }
    }
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
