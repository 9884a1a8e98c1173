// The officer console: every unresolved incident (or the history), sortable and filterable, its evidence and
// audit trail, acknowledge and resolve with a comment. Live: incident changes arrive over /hubs/ioc.
(() => {
  const { t, lang, locale } = window.IocI18n;
  const c = t.console;
  const $ = id => document.getElementById(id);
  const rank = { critical: 4, major: 3, minor: 2, warning: 1 };
  const state = { incidents: new Map(), devices: new Map(), areas: [], area: null, sort: { key: 'severity', dir: -1 }, selected: null, csrf: null, agencies: new Map(), role: null };

  // ---- text
  document.title = 'IOC — ' + c.title;
  $('title').textContent = c.title;
  $('wall-link').textContent = c.wall;
  $('lang-link').textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
  $('lang-link').href = lang === 'en' ? '?lang=vi' : '?lang=en';
  $('logout').textContent = c.logout;
  $('my-password').textContent = c.myPassword;
  $('my-password').href = '/account/password' + (lang === 'en' ? '?lang=en' : '');
  $('f-state-label').textContent = c.state; $('f-severity-label').textContent = c.severity;
  $('f-domain-label').textContent = c.domain; $('f-area-label').textContent = c.area; $('f-agency-label').textContent = c.agency;
  $('zoom-in').title = c.zoomIn; $('zoom-out').title = c.zoomOut; $('zoom-all').title = c.zoomAll;
  for (const id of ['zoom-in', 'zoom-out', 'zoom-all']) $(id).setAttribute('aria-label', $(id).title);
  const heads = { severity: c.severity, kind: c.kind, subject: c.subject, area: c.area, agency: c.agency, state: c.state, openedAt: c.opened, lastSeenAt: c.lastSeen };
  document.querySelectorAll('#incidents th').forEach(th => { th.textContent = heads[th.dataset.sort]; th.addEventListener('click', () => sortBy(th.dataset.sort)); });
  $('d-evidence-title').textContent = c.evidence; $('d-audit-title').textContent = c.audit;
  $('d-comment-label').textContent = c.comment; $('d-ack').textContent = c.acknowledge; $('d-resolve').textContent = c.resolve;
  $('d-assign-title').textContent = c.assignTitle; $('d-assignee-label').textContent = c.assignTo; $('d-agency-label').textContent = c.handTo;
  $('d-assign-save').textContent = c.assign; $('d-maint').textContent = c.maintDevice; $('d-maint').title = c.maintDeviceTitle;

  // ---- night and day (js/theme.js: dark from 18:00 to 06:00 unless chosen), and the alert sound (js/alert-sound.js)
  const theme = window.IocTheme;
  function showTheme() {
    const dark = theme.current() === 'dark';
    $('theme-toggle').textContent = dark ? c.themeLight : c.themeDark;
    $('theme-toggle').title = dark ? c.themeLightTitle : c.themeDarkTitle;
  }
  $('theme-toggle').addEventListener('click', () => theme.toggle());
  theme.onChange(() => { showTheme(); if (state.selected) select(state.selected); }); // the chart takes its colours when drawn
  showTheme();
  const alertSound = window.IocAlertSound.create({ control: $('sound-toggle'), text: c.sound });

  function fill(select, options) { select.innerHTML = options.map(([v, label]) => `<option value="${v}">${escapeHtml(label)}</option>`).join(''); }
  fill($('f-state'), [['unresolved', c.unresolved], ['all', c.all], ['open', t.state.open], ['acknowledged', t.state.acknowledged], ['resolved', t.state.resolved]]);
  fill($('f-severity'), [['', c.all], ...['critical', 'major', 'minor', 'warning'].map(s => [s, t.severity[s]])]);
  fill($('f-domain'), [['', c.all], ['traffic', c.domains.traffic], ['environment', c.domains.environment], ['connectivity', c.domains.connectivity]]);
  for (const id of ['f-severity', 'f-domain', 'f-agency']) $(id).addEventListener('change', draw);

  // ---- the province map (js/province-map.js, as on the wall, with zoom) and the searchable area filter
  const colors = { ok: '#27ae60', offline: '#7f8c8d', critical: '#c0392b', major: '#d35400', minor: '#d4ac0d', warning: '#2471a3', maintenance: '#8e44ad' };
  const areaFilter = window.IocAreaFilter.create({ input: $('f-area'), list: $('f-area-list'), clear: $('f-area-clear'), text: c, onChange: chooseArea });
  const map = window.IocProvinceMap.create($('map'), { colors, zoom: true, onAreaClick: code => areaFilter.choose(code) });
  function chooseArea(code) {
    state.area = code;
    map.select(code);
    map.zoomTo(code);
    draw();
  }
  $('zoom-in').addEventListener('click', () => map.zoomBy(2));
  $('zoom-out').addEventListener('click', () => map.zoomBy(0.5));
  $('zoom-all').addEventListener('click', () => map.zoomTo(state.area));
  async function loadProvince() {
    const province = await window.IocProvinceMap.load();
    map.setProvince(province);
    areaFilter.setAreas(map.areas());
    $('map').setAttribute('aria-label', province.fullName);
    $('map-approximate').hidden = !province.approximatePositions;
    $('map-approximate').textContent = t.approximatePositions;
    $('map-attribution').replaceChildren(...province.attribution.map(line => Object.assign(document.createElement('div'), { textContent: line })));
  }
  $('f-state').addEventListener('change', load);

  // Detectors write "Tiếng Việt / English" (evidence, and the audit comments that quote it): the reader's language.
  function inLanguage(text) { const parts = (text || '').split(' / '); return parts.length === 2 ? parts[lang === 'en' ? 1 : 0] : text; }
  function escapeHtml(s) { return String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch])); }
  // Vietnam's time, with the date when it is not today ("21:46 01/12" in Vietnamese, "21:46 1 Dec" in English).
  const time = iso => iso ? window.IocCharts.moment(Date.parse(iso) / 1000) : '';

  async function api(path, options = {}) {
    const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { 'Content-Type': 'application/json', ...(state.csrf ? { 'X-CSRF-TOKEN': state.csrf } : {}), ...(options.headers || {}) } });
    if (response.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('401'); }
    if (!response.ok) { let message = response.statusText; try { const body = await response.json(); message = body.error || body.detail || body.title || message; } catch { } throw new Error(message); }
    return response.status === 204 ? null : response.json();
  }

  // ---- list
  function domainOf(incident) { return incident.deviceId ? state.devices.get(incident.deviceId)?.domain : null; }
  function visible() {
    const severity = $('f-severity').value, domain = $('f-domain').value, agency = $('f-agency').value, area = state.area;
    return [...state.incidents.values()].filter(i => (!severity || i.severity === severity) && (!domain || domainOf(i) === domain) && (!agency || i.agency === agency) && (!area || map.areaOfIncident(i) === area));
  }
  function compare(a, b) {
    const k = state.sort.key;
    const key = i => k === 'severity' ? rank[i.severity] : k.endsWith('At') ? Date.parse(i[k]) : k === 'agency' ? agencyName(i.agency) : (t.kind[i[k]] || i[k] || '');
    const va = key(a), vb = key(b);
    return (va < vb ? -1 : va > vb ? 1 : 0) * state.sort.dir || (Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt));
  }
  function sortBy(key) {
    state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === 'severity' || key.endsWith('At') ? -1 : 1) };
    draw();
  }
  function draw() {
    document.querySelectorAll('#incidents th').forEach(th => th.setAttribute('aria-sort', th.dataset.sort === state.sort.key ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none'));
    const rows = visible().sort(compare).map(i => `<tr data-id="${i.id}" data-state="${i.state}" class="${state.selected === i.id ? 'selected' : ''}">` +
      `<td><span class="sev ${i.severity}">${t.severity[i.severity]}</span></td><td>${escapeHtml(t.kind[i.kind] || i.kind)}${i.evidence?.provisional ? ` <span class="provisional">${t.provisional}</span>` : ''}</td>` +
      `<td>${subjectCell(i)}</td><td>${escapeHtml(areaName(map.areaOfIncident(i) ?? i.area))}</td>` +
      `<td>${escapeHtml(agencyName(i.agency))}${i.assignee ? `<br><span class="device-id">${escapeHtml(i.assignee)}</span>` : ''}</td>` +
      `<td>${t.state[i.state]}${i.active || i.state === 'resolved' ? '' : ' · ' + t.cleared}${i.maintenanceId ? ` <span class="in-maintenance">${c.duringMaintenance}</span>` : ''}</td><td>${time(i.openedAt)}</td><td>${time(i.lastSeenAt)}</td></tr>`);
    document.querySelector('#incidents tbody').innerHTML = rows.join('') || `<tr><td colspan="8">${c.none}</td></tr>`;
  }
  // A device by its registry name (with its id where there is room, so it can be found in the field); an area by name.
  function subjectName(incident, withId = false) {
    const device = incident.deviceId ? state.devices.get(incident.deviceId) : null;
    if (device?.name && device.name !== device.id) return withId ? `${device.name} (${device.id})` : device.name;
    if (!incident.deviceId && incident.area) return areaName(incident.area);
    return incident.subject;
  }
  // In the list: the name, and the id under it, small, for the technician who goes to the field.
  function subjectCell(incident) {
    const name = subjectName(incident);
    return name === incident.subject || !incident.deviceId ? escapeHtml(name) : `${escapeHtml(name)}<br><span class="device-id">${escapeHtml(incident.deviceId)}</span>`;
  }
  // A pack code's name (an incident whose area tag is not a pack code shows the commune its device lies in); else the
  // name the live feed gives an older area tag (a district slug), else the tag.
  function areaName(id) {
    const inPack = map.area(id)?.name;
    if (inPack) return inPack;
    // A place the pack does not know is said so, as on the wall and the device page (it was an empty cell).
    return (id && state.areas.find(a => a.code === id)?.name) || c.unknownPlace;
  }
  // An agency by its name in the reader's language (the configured ones come from /api/agencies), else its code.
  function agencyName(code) {
    const a = code && state.agencies.get(code);
    return a ? (lang === 'en' && a.nameEn ? a.nameEn : a.name) : (code || '—');
  }
  document.querySelector('#incidents tbody').addEventListener('click', e => { const row = e.target.closest('tr[data-id]'); if (row) select(Number(row.dataset.id)); });

  // ---- detail
  async function select(id) {
    state.selected = id; draw();
    const { incident, audit } = await api(`/api/incidents/${id}`);
    state.incidents.set(incident.id, incident);
    $('detail').hidden = false;
    $('d-title').textContent = `#${incident.id} ${t.kind[incident.kind] || incident.kind}${incident.evidence?.provisional ? ` (${t.provisional})` : ''} — ${t.severity[incident.severity]}`;
    const facts = [[c.subject, subjectName(incident, true)], [c.area, areaName(map.areaOfIncident(incident) ?? incident.area)], [c.state, t.state[incident.state] + (incident.active || incident.state === 'resolved' ? '' : ' · ' + t.cleared)],
      [c.opened, time(incident.openedAt)],
      // A device that sent late (readings kept through an outage): when the reading that raised it was taken.
      ...(lateReading(incident) ? [[c.readingAt, time(incident.evidence.readingAt)]] : []),
      [c.lastSeen, time(incident.lastSeenAt)], [c.occurrences, incident.occurrences],
      [c.acknowledgedBy, incident.acknowledgedBy ? `${incident.acknowledgedBy} · ${time(incident.acknowledgedAt)}` : '—'],
      [c.agency, agencyName(incident.agency)], [c.assignee, incident.assignee || '—'],
      ...(incident.maintenanceId ? [[t.maintenance, c.duringMaintenance]] : [])];
    $('d-facts').innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('');
    const ev = incident.evidence;
    const said = inLanguage(ev.detail);
    const detail = said ? said[0].toLocaleUpperCase(locale) + said.slice(1) : said;
    $('d-evidence').textContent = evidenceText(ev, detail);
    $('d-audit').querySelector('tbody').innerHTML = audit.map(a => `<tr><td>${time(a.at)}</td><td>${escapeHtml(c.actors[a.actor] || a.actor)}</td><td>${escapeHtml(c.actions[a.action] || a.action)}</td><td>${escapeHtml(inLanguage(a.comment))}</td></tr>`).join('');
    $('d-device').hidden = !incident.deviceId;
    $('d-device').textContent = c.devicePage;
    $('d-device').href = `/device?id=${encodeURIComponent(incident.deviceId || '')}${lang === 'en' ? '&lang=en' : ''}`;
    $('d-chart').replaceChildren();
    delete $('d-chart').dataset.chart; delete $('d-chart').dataset.points; // the last incident's, until this one's arrive
    if (incident.deviceId) {
      api(`/api/incidents/${id}/evidence`).then(series => {
        if (state.selected !== id) return;
        $('d-chart').dataset.points = String(series.points.length);
        window.IocCharts.draw($('d-chart'), series, { mean: `${window.IocCharts.metricLabel(series.metric)} (${c.mean})`, min: c.min, max: c.max, aspect: 0.3 });
      }).catch(() => { });
    }
    $('d-ack').disabled = incident.state !== 'open';
    $('d-resolve').disabled = incident.state === 'resolved';
    $('d-assign').disabled = incident.state === 'resolved';
    $('d-assignee').value = incident.assignee || '';
    $('d-agency').value = '';
    $('d-maint').hidden = !incident.deviceId;
    $('d-error').textContent = '';
  }
  // The reading that raised it is older than the incident by more than five minutes (the server's chart window follows it then).
  function lateReading(incident) {
    const at = incident.evidence?.readingAt;
    return !!at && Date.parse(incident.openedAt) - Date.parse(at) > 5 * 60_000;
  }
  // The evidence in words: what was measured (the metric's name and unit), against what (a rule's threshold, or the
  // series' usual level for the anomaly detectors), and which detector saw it, in plain language.
  function evidenceText(ev, detail) {
    const charts = window.IocCharts;
    const unit = ev.metric && charts.metricUnit(ev.metric) ? ' ' + charts.metricUnit(ev.metric) : '';
    const rule = (ev.detector || '').startsWith('rule.');
    if ((ev.detector || '').startsWith('vn_aqi')) {
      // An index, not a concentration: "VN_AQI 351 · ngưỡng 150 · chất ô nhiễm chính: Bụi PM2.5".
      return [detail, ev.value != null && `VN_AQI ${charts.formatNumber(ev.value, 0)}`, ev.baseline != null && `${c.threshold} ${charts.formatNumber(ev.baseline, 0)}`,
        ev.metric && `${c.dominant}: ${t.metrics[ev.metric]?.[0] || ev.metric}`, `${c.detector}: ${t.detectors[ev.detector] || ev.detector}`].filter(Boolean).join(' · ');
    }
    return [
      detail,
      ev.metric && ev.value != null && `${t.metrics[ev.metric]?.[0] || ev.metric}: ${charts.formatNumber(ev.value, 2)}${unit}`,
      ev.metric && ev.baseline != null && `${rule ? c.threshold : c.usual} ${charts.formatNumber(ev.baseline, 2)}${unit}`,
      `${c.detector}: ${t.detectors[ev.detector] || ev.detector}`,
      ev.modelVersion && `${c.model} ${ev.modelVersion}`,
    ].filter(Boolean).join(' · ');
  }
  async function act(action) {
    const id = state.selected;
    try {
      const incident = await api(`/api/incidents/${id}/${action}`, { method: 'POST', body: JSON.stringify({ comment: $('d-comment').value || null }) });
      state.incidents.set(incident.id, incident);
      alertSound.update(incident);
      $('d-comment').value = '';
      await select(id);
    } catch (e) { $('d-error').textContent = inLanguage(e.message); } // the server says why in both languages
  }
  $('d-ack').addEventListener('click', () => act('acknowledge'));
  $('d-assign-save').addEventListener('click', async () => {
    const id = state.selected;
    try {
      const incident = await api(`/api/incidents/${id}/assign`, { method: 'POST', body: JSON.stringify({ assignee: $('d-assignee').value || null, agency: $('d-agency').value || null, comment: $('d-comment').value || null }) });
      state.incidents.set(incident.id, incident);
      $('d-comment').value = '';
      await select(id);
    } catch (e) { $('d-error').textContent = inLanguage(e.message); }
  });
  $('d-maint').addEventListener('click', () => {
    const incident = state.incidents.get(state.selected);
    if (!incident?.deviceId) return;
    maintenance.prefill('device', incident.deviceId);
  });
  $('d-resolve').addEventListener('click', () => act('resolve'));

  // ---- data
  async function load() {
    const stateFilter = $('f-state').value;
    const list = await api(`/api/incidents?state=${stateFilter}&limit=1000`);
    state.incidents = new Map(list.map(i => [i.id, i]));
    draw();
  }
  async function init() {
    state.csrf = (await api('/api/antiforgery')).token;
    $('logout-token').value = state.csrf;
    const me = await api('/api/me');
    $('who').textContent = `${me.displayName || me.name} (${c.roles[me.role] || me.role})`;
    state.role = me.role;
    const agencies = await api('/api/agencies').catch(() => []);
    state.agencies = new Map(agencies.map(a => [a.code, a]));
    fill($('f-agency'), [['', c.allAgencies], ...agencies.map(a => [a.code, agencyName(a.code)])]);
    fill($('d-agency'), [['', c.unchanged], ...agencies.map(a => [a.code, agencyName(a.code)])]);
    $('admin-link').hidden = me.role !== 'admin';
    $('admin-link').textContent = t.admin.title;
    await loadProvince();
    const devices = await api('/api/devices');
    for (const d of devices) { state.devices.set(d.id, d); map.setDevice(d); }
    await load();
    maintenance.start();
    connect();
    // A notification's link (/console?incident=N) opens that incident.
    const wanted = Number(new URLSearchParams(location.search).get('incident'));
    if (Number.isSafeInteger(wanted) && wanted > 0) select(wanted).catch(e => { $('banner').hidden = false; $('banner').textContent = inLanguage(e.message); });
  }

  function connect() {
    const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/ioc')
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** Math.min(ctx.previousRetryCount, 5)) }).build();
    const banner = $('banner');
    connection.on('snapshot', s => {
      state.areas = s.areas;
      map.clear();
      for (const d of s.devices) { state.devices.set(d.id, d); map.setDevice(d); }
      for (const i of s.incidents) map.setIncident(i);
      if ($('f-state').value === 'unresolved') { state.incidents = new Map(s.incidents.map(i => [i.id, i])); }
      alertSound.replace(s.incidents);
      draw();
    });
    // Devices new to screens come in full: the domain filter knows them too (state changes need no redraw here).
    connection.on('delta', d => {
      for (const dev of d.devices) { state.devices.set(dev.id, dev); map.setDevice(dev); }
      for (const change of d.changes || []) { const dev = state.devices.get(change.id); if (dev) { Object.assign(dev, change); map.setDevice(dev); } }
      for (const id of d.removed || []) { state.devices.delete(id); map.removeDevice(id); }
    });
    connection.on('incident', i => {
      map.setIncident(i);
      alertSound.update(i);
      const filter = $('f-state').value;
      if (filter === 'unresolved' && i.state === 'resolved') state.incidents.delete(i.id);
      else if (filter === 'unresolved' || filter === 'all' || filter === i.state) state.incidents.set(i.id, i);
      else state.incidents.delete(i.id);
      draw();
      if (state.selected === i.id) select(i.id);
    });
    connection.onreconnecting(() => { banner.hidden = false; banner.textContent = t.banner; api('/api/me').catch(() => { }); }); // 401: to the login
    connection.onreconnected(() => { banner.hidden = true; });
    // Closed by the server because this session ended (logged out elsewhere, a new password, a change by an admin):
    // the API answers 401 too and the page goes to the login; otherwise the server is away, try again.
    const retry = () => api('/api/me').then(() => setTimeout(connect, 3000), e => { if (e.message !== '401') setTimeout(connect, 3000); });
    connection.onclose(() => { banner.hidden = false; banner.textContent = t.banner; retry(); });
    connection.start().then(() => { banner.hidden = true; }).catch(() => { banner.hidden = false; banner.textContent = t.banner; retry(); });
  }

  const maintenance = window.IocMaintenance.create({ api, t, c, lang, time, escapeHtml, inLanguage, devices: state.devices, areaName: code => map.area(code)?.name, areas: () => map.areas(), role: () => state.role });
  init().catch(e => { if (e.message !== '401') { $('banner').hidden = false; $('banner').textContent = e.message; } });
})();
