// The screen wall: a snapshot on every (re)connection, then deltas and incident changes from /hubs/ioc.
// Runs for weeks unattended: every buffer is bounded, the connection retries forever, and a banner shows
// whenever the screen is not live.
(() => {
  const { t, locale } = window.IocI18n;
  const params = new URLSearchParams(location.search);
  const chime = params.get('chime') === '1';
  const colors = { ok: '#2ecc71', offline: '#6c7a89', critical: '#e74c3c', major: '#e67e22', minor: '#f1c40f', warning: '#3498db', maintenance: '#b07cc6' };
  const severityRank = { critical: 4, major: 3, minor: 2, warning: 1 };
  const maxChartPoints = 600;
  const maxTicker = 40;

  const state = { devices: new Map(), incidents: new Map(), chart: [], agencies: new Map() };

  // ---- static text
  document.getElementById('title-main').textContent = t.titleMain;
  document.getElementById('map-title').textContent = t.mapTitle;
  document.getElementById('ticker-title').textContent = t.tickerTitle;
  document.getElementById('chart-traffic-title').textContent = t.chartTraffic;
  document.getElementById('chart-environment-title').textContent = t.chartEnvironment;
  document.getElementById('chart-connectivity-title').textContent = t.chartConnectivity;
  document.getElementById('legend').innerHTML = [
    ['ok', t.ok], ['critical', t.severity.critical], ['major', t.severity.major], ['minor', t.severity.minor], ['warning', t.severity.warning], ['offline', t.offline], ['maintenance', t.maintenance],
  ].map(([k, label]) => `<span style="--c:${colors[k]}">${label}</span>`).join('') + `<span class="ring" style="--c:${colors.critical}">${t.incidentPlace}</span>`;

  const clock = document.getElementById('clock');
  // Vietnam's time, whatever the wall computer's own time zone is (the charts and the ticker are in it too).
  const tickClock = () => { clock.textContent = new Date().toLocaleTimeString(locale, { timeZone: window.IocCharts.zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }); };
  tickClock();
  setInterval(tickClock, 1000);

  // ---- connection state
  const banner = document.getElementById('banner');
  const dot = document.getElementById('link-dot');
  function setLive(live) {
    banner.hidden = live;
    banner.textContent = t.banner;
    dot.classList.toggle('down', !live);
    document.body.dataset.live = live ? 'true' : 'false';
  }

  // ---- map: the province pack's outline and areas, drawn offline (js/province-map.js)
  const map = window.IocProvinceMap.create(document.getElementById('map'), { colors });
  let province = null;
  async function loadProvince() {
    if (province) return;
    try {
      province = await window.IocProvinceMap.load(params.get('token') ? `?token=${encodeURIComponent(params.get('token'))}` : '');
    } catch {
      return; // the next snapshot (after a reconnection) tries again
    }
    document.getElementById('title-sub').textContent = province.fullName;
    document.getElementById('map').setAttribute('aria-label', `${t.mapTitle} — ${province.fullName}`);
    const approximate = document.getElementById('map-approximate');
    approximate.hidden = !province.approximatePositions;
    approximate.textContent = t.approximatePositions;
    document.getElementById('map-attribution').replaceChildren(...province.attribution.map(line => Object.assign(document.createElement('div'), { textContent: line })));
    map.setProvince(province);
    for (const d of state.devices.values()) map.setDevice(d);
    drawTicker();
  }
  // The agencies' names for the ticker (who owns each incident), asked again on every snapshot: an admin may add one.
  async function loadAgencies() {
    try {
      const response = await fetch('/api/agencies' + (params.get('token') ? `?token=${encodeURIComponent(params.get('token'))}` : ''), { credentials: 'same-origin' });
      if (!response.ok) return;
      state.agencies = new Map((await response.json()).map(a => [a.code, a]));
      drawTicker();
    } catch { /* the next snapshot tries again */ }
  }

  // ---- KPI tiles
  const kpis = document.getElementById('kpis');
  function tile(label, value, detail, style, kind) {
    return `<div class="kpi${kind ? ' ' + kind : ''}"${style ? ` style="${style}"` : ''}><div class="label">${label}</div><div class="value">${value}</div><div class="detail">${detail || ''}</div></div>`;
  }
  // "0,0 %" in Vietnamese, "0.0 %" in English.
  const percent = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  function drawKpis(k) {
    const sev = ['critical', 'major', 'minor', 'warning']
      .map(s => `<span class="sev" style="color:${colors[s]}" title="${t.severity[s]}">${k.openBySeverity[s] || 0}</span>`).join('');
    const openTotal = Object.values(k.openBySeverity).reduce((a, b) => a + b, 0);
    // A provisional index (the running hour's, before its official one) says so, in words and with a dashed border.
    const w = k.worstAqi;
    const aqi = w
      ? tile(t.kpiAqi, w.provisional ? `${w.value}<span class="provisional">${t.provisional}</span>` : w.value,
        [window.IocI18n.lang === 'en' ? w.categoryEn : w.categoryVi, w.provisional && t.aqiProvisional.replace('{m}', w.minutes), state.devices.get(w.device)?.name || w.device].filter(Boolean).join(' · '),
        `border-color:${w.color};box-shadow:inset 0 -0.5rem 0 ${w.color}`, w.provisional ? 'provisional' : '')
      : tile(t.kpiAqi, '—', t.noAqi);
    kpis.innerHTML =
      tile(t.kpiTraffic, `${k.online.traffic}/${k.total.traffic}`) +
      tile(t.kpiEnvironment, `${k.online.environment}/${k.total.environment}`) +
      tile(t.kpiConnectivity, `${k.online.connectivity}/${k.total.connectivity}`) +
      tile(t.kpiIncidents, openTotal, sev) +
      aqi +
      tile(t.kpiCongestion, `${percent.format(k.congestionIndex)} %`) +
      tile(t.kpiAvailability, `${percent.format(k.availability)} %`);
  }

  // ---- incident ticker: most severe first, then newest
  const ticker = document.getElementById('ticker');
  function drawTicker() {
    const list = [...state.incidents.values()]
      .sort((a, b) => (severityRank[b.severity] - severityRank[a.severity]) || (Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt)))
      .slice(0, maxTicker);
    if (list.length === 0) {
      ticker.innerHTML = `<li class="empty">${t.noIncidents}</li>`;
      return;
    }
    ticker.innerHTML = list.map(i => {
      // The area by the pack's name: its own code's, or the commune its device lies in.
      // The device by its name where the registry has one; a place the pack does not know is said so, not shown as a tag.
      const device = i.deviceId ? state.devices.get(i.deviceId) : null;
      const place = map.area(map.areaOfIncident(i))?.name ?? device?.areaName ?? t.console.unknownPlace;
      const where = [device?.name || i.deviceId, place].filter(Boolean).join(' · ');
      const stateText = t.state[i.state] + (i.active ? '' : ` (${t.cleared})`) + (i.maintenanceId ? ` · ${t.console.duringMaintenance}` : '');
      const agency = i.agency ? state.agencies.get(i.agency) : null;
      const owner = agency ? ((window.IocI18n.lang === 'en' && agency.nameEn) || agency.name) : i.agency;
      // Vietnam's time; the date too when the incident is not from today.
      const when = window.IocCharts.moment(Date.parse(i.openedAt) / 1000);
      return `<li class="${i.state}${i.evidence?.provisional ? ' provisional' : ''}${i.maintenanceId ? ' maintenance' : ''}" data-id="${i.id}" data-state="${i.state}"${i.deviceId ? ` data-device="${escapeHtml(i.deviceId)}"` : ''} style="--c:${colors[i.severity]}"><span class="bar"></span>` +
        `<span><span class="what">${t.kind[i.kind] || i.kind}${i.evidence?.provisional ? ` (${t.provisional})` : ''} — ${t.severity[i.severity]}</span><br><span class="where">${escapeHtml(where)} · ${stateText}</span>${owner ? `<br><span class="owner">${escapeHtml(owner)}${i.assignee ? ' · ' + escapeHtml(i.assignee) : ''}</span>` : ''}</span>` +
        `<span class="when">${when}</span></li>`;
    }).join('');
  }
  function escapeHtml(s) { return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  // ---- charts (uPlot), bounded
  const charts = {};
  function makeChart(id, color, unit) {
    const el = document.getElementById(id);
    const size = () => ({ width: el.clientWidth, height: Math.max(60, el.clientHeight) });
    // uPlot draws on a canvas in pixels: its type and lines follow the wall's rem (0.85vw), legible at 4K too.
    const rem = window.IocCharts.rem();
    const fit = window.IocCharts.fitValueTitle(unit, unit, rem);
    const plot = new uPlot({
      ...size(),
      legend: { show: false },
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), window.IocCharts.zone),
      axes: window.IocCharts.axes(rem, { text: '#8ea0bf', grid: '#23324d' }, unit), // the unit on the value axis too
      series: [{}, { stroke: color, width: Math.max(2, rem / 8), points: { size: 0.45 * rem } }],
      hooks: { ready: [fit], setSize: [fit] },
    }, [[], []], el);
    new ResizeObserver(() => plot.setSize(size())).observe(el);
    return plot;
  }
  function drawCharts() {
    const xs = state.chart.map(p => p.ts / 1000);
    charts.traffic.setData([xs, state.chart.map(p => p.avgSpeedKmh)]);
    charts.environment.setData([xs, state.chart.map(p => p.avgPm25)]);
    charts.connectivity.setData([xs, state.chart.map(p => p.avgLatencyMs)]);
  }

  // ---- chime on a new critical incident (optional: ?chime=1)
  let audio;
  function ring() {
    if (!chime) return;
    audio ??= new AudioContext();
    const osc = audio.createOscillator(); const gain = audio.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.15;
    osc.connect(gain).connect(audio.destination); osc.start(); osc.stop(audio.currentTime + 0.4);
  }

  // ---- messages
  function onSnapshot(s) {
    if (!province) document.getElementById('title-sub').textContent = `${t.province} ${s.province}`;
    loadProvince();
    loadAgencies();
    state.devices.clear();
    map.clear();
    for (const d of s.devices) { state.devices.set(d.id, d); map.setDevice(d); }
    state.incidents.clear();
    for (const i of s.incidents) { state.incidents.set(i.id, i); map.setIncident(i); }
    state.chart = s.chart.slice(-maxChartPoints);
    drawKpis(s.kpis); drawTicker(); drawCharts();
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
  }
  function onDelta(d) {
    for (const dev of d.devices) { state.devices.set(dev.id, dev); map.setDevice(dev); }
    // A device already known comes as a change: its state and values, not its place.
    for (const change of d.changes) {
      const dev = state.devices.get(change.id);
      if (dev) { Object.assign(dev, change); map.setDevice(dev); }
    }
    // Removed by an admin or forgotten after a long silence: off the map (the tiles come recounted).
    for (const id of d.removed || []) {
      state.devices.delete(id);
      map.removeDevice(id);
    }
    if (d.kpis) drawKpis(d.kpis);
    if (d.chart) {
      state.chart.push(d.chart);
      if (state.chart.length > maxChartPoints) state.chart.splice(0, state.chart.length - maxChartPoints);
      drawCharts();
    }
  }
  function onIncident(i) {
    const isNew = !state.incidents.has(i.id);
    if (i.state === 'resolved') state.incidents.delete(i.id); else state.incidents.set(i.id, i);
    map.setIncident(i);
    drawTicker();
    if (isNew && i.severity === 'critical' && i.state === 'open' && !i.maintenanceId) ring();
  }

  charts.traffic = makeChart('chart-traffic', '#2ecc71', 'km/h');
  charts.environment = makeChart('chart-environment', '#f1c40f', 'µg/m³');
  charts.connectivity = makeChart('chart-connectivity', '#3498db', 'ms');

  // ---- the connection: retries forever; a fresh connection gets a fresh snapshot
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/ioc' + (params.get('token') ? `?access_token=${encodeURIComponent(params.get('token'))}` : ''))
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** Math.min(ctx.previousRetryCount, 5)) })
    .build();
  connection.on('snapshot', onSnapshot);
  connection.on('delta', onDelta);
  connection.on('incident', onIncident);
  // The kiosk link this wall signed in with was revoked (on any dashboard instance): stop for good and say so.
  let revoked = false;
  connection.on('revoked', () => {
    revoked = true;
    connection.stop();
    setLive(false);
    banner.textContent = t.revoked;
  });
  connection.onreconnecting(() => setLive(false));
  connection.onreconnected(() => setLive(true));
  connection.onclose(() => {
    if (revoked) { banner.hidden = false; banner.textContent = t.revoked; return; }
    setLive(false);
    setTimeout(start, 2000);
  });
  async function start() {
    try {
      await connection.start();
      setLive(true);
    } catch {
      setLive(false);
      setTimeout(start, 2000);
    }
  }
  setLive(false);
  start();
})();
