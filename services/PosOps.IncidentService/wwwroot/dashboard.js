// PosOps dashboard: fleet by store, open incidents with runbook progress and actions, a device timeline
// with a time-travel slider, live updates over Server-Sent Events. Plain JS, no build step, no CDN.
(() => {
  'use strict';

  const ACTIVE = ['open', 'acknowledged', 'mitigated'];
  const $ = id => document.getElementById(id);
  const state = {
    key: localStorage.getItem('posops.apiKey'),
    user: localStorage.getItem('posops.user') || '',
    lang: localStorage.getItem('posops.lang') || (navigator.language && navigator.language.startsWith('zh') ? 'zh-CN' : 'en'),
    devices: [], incidents: [], selected: null, events: [], stream: null, poll: null, refreshTimer: null, stateTimer: null,
  };

  // ---- text ----
  const t = key => (window.PosOpsText[state.lang] || window.PosOpsText.en)[key] || window.PosOpsText.en[key] || key;
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
    $('language').textContent = t('language');
    setLive($('live').dataset.mode || 'offline');
    render();
  }

  // ---- API ----
  async function api(path, options = {}) {
    const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
    if (state.key) headers['X-Api-Key'] = state.key;
    let response;
    try {
      response = await fetch(path, Object.assign({}, options, { headers }));
    } catch (e) {
      showError(t('unreachable'));
      throw e;
    }
    if (response.status === 401 || response.status === 403) {
      showError(t('unauthorized'));
      askForKey();
      throw new Error('unauthorized');
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      const error = new Error(problem.detail || problem.title || response.statusText);
      error.status = response.status;
      throw error;
    }
    showError(null);
    return response.status === 204 ? null : response.json();
  }
  const items = (answer, name) => Array.isArray(answer) ? answer : (answer && Array.isArray(answer[name]) ? answer[name] : []);

  function showError(message) {
    $('error').hidden = !message;
    $('error').textContent = message || '';
  }

  // ---- key ----
  function askForKey() {
    const dialog = $('key-dialog');
    if (dialog.open) return;
    $('key-input').value = state.key || '';
    $('name-input').value = state.user;
    dialog.showModal();
  }
  $('key-form').addEventListener('submit', () => {
    state.key = $('key-input').value.trim();
    state.user = $('name-input').value.trim();
    localStorage.setItem('posops.apiKey', state.key);
    localStorage.setItem('posops.user', state.user);
    connect();
    refresh();
  });
  $('change-key').addEventListener('click', askForKey);
  $('language').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem('posops.lang', state.lang);
    applyLanguage();
  });

  // ---- data ----
  async function refresh() {
    try {
      const [devices, incidents] = await Promise.all([api('/api/devices'), api('/api/incidents?limit=500')]);
      state.devices = items(devices, 'devices');
      state.incidents = items(incidents, 'incidents');
      render();
      if (!state.selected && state.devices.length) selectDevice(state.devices[0].deviceId);
    } catch (e) { /* shown already */ }
  }
  function refreshSoon() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(() => {
      refresh();
      if (state.selected) loadTimeline(state.selected, true);
    }, 250);
  }

  // ---- fleet ----
  function deviceColour(device, active) {
    const status = String(device.status || device.state || '').toLowerCase();
    if (['down', 'silent', 'offline', 'red', 'blocking', 'out-of-service'].includes(status)) return 'red';
    const mine = active.filter(i => i.deviceId === device.deviceId);
    if (mine.some(i => String(i.severity).toLowerCase() === 'blocking')) return 'red';
    if (mine.length || ['degraded', 'amber', 'warning'].includes(status)) return 'amber';
    return 'green';
  }
  const worst = colours => colours.includes('red') ? 'red' : colours.includes('amber') ? 'amber' : 'green';

  function renderFleet() {
    const active = state.incidents.filter(i => ACTIVE.includes(String(i.status).toLowerCase()));
    const known = new Map(state.devices.map(d => [d.deviceId, d]));
    active.forEach(i => { if (!known.has(i.deviceId)) known.set(i.deviceId, { deviceId: i.deviceId, storeId: i.storeId }); });
    const stores = new Map();
    for (const device of known.values()) {
      const store = device.storeId || '?';
      if (!stores.has(store)) stores.set(store, []);
      stores.get(store).push({ device, colour: deviceColour(device, active) });
    }
    const fleet = $('fleet');
    fleet.replaceChildren();
    [...stores.keys()].sort().forEach(store => {
      const members = stores.get(store).sort((a, b) => a.device.deviceId.localeCompare(b.device.deviceId));
      const card = el('div', 'store ' + worst(members.map(m => m.colour)));
      card.dataset.store = store;
      card.dataset.testid = 'store';
      const counts = ['green', 'amber', 'red'].map(c => members.filter(m => m.colour === c).length);
      card.append(el('h3', null, store), el('p', 'muted', `${members.length} ${t('devices')} · ${counts[0]} / ${counts[1]} / ${counts[2]}`));
      const dots = el('div', 'dots');
      members.forEach(({ device, colour }) => {
        const dot = el('button', 'dot ' + colour + (device.deviceId === state.selected ? ' selected' : ''));
        dot.type = 'button';
        dot.title = device.deviceId;
        dot.dataset.device = device.deviceId;
        dot.addEventListener('click', () => selectDevice(device.deviceId));
        dots.append(dot);
      });
      card.append(dots);
      fleet.append(card);
    });
  }

  // ---- incidents ----
  function steps(incident) {
    const runbook = incident.runbook || {};
    return Array.isArray(runbook.steps) ? runbook.steps : (Array.isArray(incident.steps) ? incident.steps : []);
  }
  const stepDone = s => ['done', 'completed', 'succeeded', 'skipped'].includes(String(s.status || s.state || '').toLowerCase());
  const stepTitle = s => (state.lang === 'zh-CN' ? s.textZh || s.titleZh : s.textEn || s.titleEn) || s.textEn || s.title || s.name || s.stepId || s.id || '';

  function renderIncidents() {
    const rows = $('incident-rows');
    rows.replaceChildren();
    const active = state.incidents.filter(i => ACTIVE.includes(String(i.status).toLowerCase()));
    $('incident-count').textContent = active.length ? `(${active.length})` : '';
    $('no-incidents').hidden = active.length > 0;
    active.forEach(incident => {
      const tr = el('tr');
      tr.dataset.incident = incident.id;
      tr.dataset.testid = 'incident';
      const status = String(incident.status).toLowerCase();
      const severity = String(incident.severity).toLowerCase();
      const device = el('a', 'link', incident.deviceId);
      device.href = '#';
      device.addEventListener('click', e => { e.preventDefault(); selectDevice(incident.deviceId); });
      const runbook = el('td', 'runbook');
      const all = steps(incident);
      if (all.length) {
        const done = all.filter(stepDone).length;
        const bar = el('progress');
        bar.max = all.length;
        bar.value = done;
        runbook.append(bar, el('span', 'muted', ` ${done}/${all.length} ${t('steps')}`));
        const next = all.find(s => !stepDone(s));
        if (next) {
          const line = el('div', 'next ' + String(next.status || '').toLowerCase(), stepTitle(next));
          // Ops tick manual and contact steps here; automatic ones are judged by the agent's answer.
          if (next.stepId && ['manual', 'contact'].includes(String(next.kind).toLowerCase()) && String(next.status).toLowerCase() !== 'failed') {
            line.append(' ', tickButton(incident, next));
          }
          runbook.append(line);
        }
      }
      const actions = el('td', 'actions');
      if (status === 'open') actions.append(actionButton(incident, 'acknowledge'));
      if (status !== 'resolved') actions.append(actionButton(incident, 'resolve'));
      tr.append(td(device), td(incident.storeId), td(`${incident.component || ''} ${incident.faultCode || ''}`),
        td(el('span', 'badge ' + severity, t('severity.' + severity))), td(el('span', 'badge ' + status, t('status.' + status)), 'status'),
        td(time(incident.openedAt)), runbook, actions);
      rows.append(tr);
    });
  }

  function tickButton(incident, step) {
    const button = el('button', 'action tick', t('stepDone'));
    button.type = 'button';
    button.dataset.step = step.stepId;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const updated = await api(`/api/incidents/${incident.id}/steps/${encodeURIComponent(step.stepId)}/complete`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ by: state.user || 'dashboard' }),
        });
        state.incidents = state.incidents.map(i => i.id === updated.id ? updated : i);
        render();
      } catch (e) {
        if (e.status) showError(`${t('stepDone')}: ${e.message}`);
        refreshSoon();
      }
    });
    return button;
  }

  function actionButton(incident, action) {
    const button = el('button', 'action ' + action, t(action));
    button.type = 'button';
    button.dataset.action = action;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const headers = { 'Content-Type': 'application/json' };
        if (incident.version !== undefined) headers['If-Match'] = `"${incident.version}"`;
        const updated = await api(`/api/incidents/${incident.id}/${action}`, {
          method: 'POST', headers, body: JSON.stringify({ by: state.user || 'dashboard' }),
        });
        state.incidents = state.incidents.map(i => i.id === updated.id ? updated : i);
        render();
      } catch (e) {
        if (e.status) showError(`${t(action)}: ${e.message}`);
        refreshSoon();
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  // ---- timeline ----
  async function selectDevice(deviceId) {
    state.selected = deviceId;
    renderDeviceSelect();
    renderFleet();
    await loadTimeline(deviceId, false);
  }

  async function loadTimeline(deviceId, keepPosition) {
    let events = [];
    try {
      events = items(await api(`/api/devices/${encodeURIComponent(deviceId)}/events?limit=1000`), 'events');
    } catch (e) { events = []; }
    if (deviceId !== state.selected) return;
    const atEnd = Number($('slider').value) >= state.events.length - 1;
    state.events = events;
    const slider = $('slider');
    slider.max = Math.max(0, events.length - 1);
    if (!keepPosition || atEnd) slider.value = slider.max;
    renderTimeline();
    loadState();
  }

  function renderDeviceSelect() {
    const select = $('device-select');
    const ids = [...new Set(state.devices.map(d => d.deviceId).concat(state.incidents.map(i => i.deviceId)))].sort();
    if (select.options.length !== ids.length || [...select.options].some((o, i) => o.value !== ids[i])) {
      select.replaceChildren(...ids.map(id => { const o = el('option', null, id); o.value = id; return o; }));
    }
    if (state.selected) select.value = state.selected;
  }
  $('device-select').addEventListener('change', e => selectDevice(e.target.value));

  const eventTime = e => e.recordedAt || e.timestamp || e.occurredAt || (e.data && e.data.occurredAt);
  function renderTimeline() {
    const list = $('events');
    list.replaceChildren();
    const position = Number($('slider').value);
    if (!state.events.length) list.append(el('li', 'muted', t('noEvents')));
    state.events.forEach((e, index) => {
      const item = el('li', index <= position ? 'past' : 'future');
      if (index === position) item.classList.add('current');
      item.append(el('span', 'mono', `#${e.version} ${time(eventTime(e))}`), el('span', 'type', e.type || ''));
      item.addEventListener('click', () => { $('slider').value = index; renderTimeline(); loadStateSoon(); });
      list.append(item);
    });
    const current = state.events[position];
    $('slider-time').textContent = current ? time(eventTime(current)) : '';
  }

  function loadStateSoon() {
    clearTimeout(state.stateTimer);
    state.stateTimer = setTimeout(loadState, 150);
  }
  async function loadState() {
    const current = state.events[Number($('slider').value)];
    const deviceId = state.selected;
    if (!current || !deviceId) { $('state').textContent = ''; $('state-at').textContent = ''; return; }
    const at = eventTime(current);
    $('state-at').textContent = time(at);
    try {
      const answer = await api(`/api/devices/${encodeURIComponent(deviceId)}/state?at=${encodeURIComponent(at)}`);
      if (deviceId === state.selected) $('state').textContent = JSON.stringify(answer.state || answer, null, 2);
    } catch (e) {
      $('state').textContent = e.status === 404 ? t('noState') : String(e.message || e);
    }
  }
  $('slider').addEventListener('input', () => { renderTimeline(); loadStateSoon(); });

  // ---- live ----
  // fetch() rather than EventSource: it can send the X-Api-Key header, so the key never goes into a URL.
  async function connect() {
    if (state.stream) state.stream.abort();
    const controller = new AbortController();
    state.stream = controller;
    try {
      const headers = { Accept: 'text/event-stream' };
      if (state.key) headers['X-Api-Key'] = state.key;
      const response = await fetch('/api/stream', { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok || !response.body) throw new Error('stream answered ' + response.status);
      clearInterval(state.poll);
      state.poll = null;
      setLive('live');
      refreshSoon();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    if (state.stream !== controller) return;
    // The stream ended or is not available: poll meanwhile and try the stream again shortly.
    startPolling();
    setTimeout(connect, 5000);
  }
  function dispatch(block) {
    let name = 'message';
    const data = [];
    block.split('\n').forEach(line => {
      if (!line || line.startsWith(':')) return;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    });
    if (data.length) onLiveEvent(name, data.join('\n'));
  }
  function startPolling() {
    setLive('polling');
    if (state.poll) return;
    state.poll = setInterval(() => refreshSoon(), 3000);
  }
  function setLive(mode) {
    const live = $('live');
    live.className = 'live ' + (mode === 'live' ? 'on' : mode === 'polling' ? 'poll' : 'off');
    live.dataset.mode = mode;
    live.textContent = t(mode);
  }
  function onLiveEvent(name, data) {
    let payload = {};
    try { payload = JSON.parse(data); } catch (e) { payload = {}; }
    // A terminal's new trading status recolours its dot at once; the incident event beside it refreshes the rest.
    if (name === 'device-status') {
      const device = state.devices.find(d => d.deviceId === payload.deviceId);
      if (device) {
        device.status = payload.status;
        render();
      }
      return;
    }
    const feed = $('feed');
    const item = el('li', name.includes('opened') || name.includes('detected') || name.includes('escalated') ? 'bad' : name.includes('resolved') || name.includes('closed') || name.includes('verified') ? 'good' : 'info');
    item.dataset.event = name;
    item.append(el('span', 'mono', time(payload.recordedAt || new Date().toISOString())), el('span', 'type', name),
      el('span', null, [payload.deviceId, payload.storeId, payload.faultCode, payload.by].filter(Boolean).join(' · ')));
    feed.prepend(item);
    while (feed.children.length > 50) feed.lastChild.remove();
    refreshSoon();
  }

  // ---- helpers ----
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function td(content, className) {
    const cell = el('td', className);
    if (content instanceof Node) cell.append(content); else cell.textContent = content === undefined || content === null ? '' : content;
    return cell;
  }
  function time(value) {
    if (!value) return '';
    const d = new Date(value);
    return isNaN(d) ? String(value) : d.toLocaleString(state.lang, { hour12: false });
  }
  function render() {
    renderFleet();
    renderIncidents();
    renderDeviceSelect();
    renderTimeline();
  }

  applyLanguage();
  if (state.key === null) askForKey();
  connect();
  refresh();
})();
