// The screen wall: a snapshot on every (re)connection, then deltas and incident changes from /hubs/ioc.
// Runs for weeks unattended: every buffer is bounded, the connection retries forever, and a banner shows
// whenever the screen is not live.
(() => {
  const { t, locale } = window.IocI18n;
  const params = new URLSearchParams(location.search);
  const chime = params.get('chime') === '1';
  const colors = { ok: '#2ecc71', offline: '#6c7a89', critical: '#e74c3c', major: '#e67e22', minor: '#f1c40f', warning: '#3498db' };
  const severityRank = { critical: 4, major: 3, minor: 2, warning: 1 };
  const maxChartPoints = 600;
  const maxTicker = 40;

  const state = { province: '', areas: [], devices: new Map(), incidents: new Map(), chart: [], bounds: null };

  // ---- static text
  document.getElementById('title-main').textContent = t.titleMain;
  document.getElementById('map-title').textContent = t.mapTitle;
  document.getElementById('ticker-title').textContent = t.tickerTitle;
  document.getElementById('chart-traffic-title').textContent = t.chartTraffic;
  document.getElementById('chart-environment-title').textContent = t.chartEnvironment;
  document.getElementById('chart-connectivity-title').textContent = t.chartConnectivity;
  document.getElementById('legend').innerHTML = [
    ['ok', t.ok], ['critical', t.severity.critical], ['major', t.severity.major], ['minor', t.severity.minor], ['warning', t.severity.warning], ['offline', t.offline],
  ].map(([k, label]) => `<span style="--c:${colors[k]}">${label}</span>`).join('');

  const clock = document.getElementById('clock');
  const tickClock = () => { clock.textContent = new Date().toLocaleTimeString(locale, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' }); };
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

  // ---- map: areas and devices from local data (no map tiles: these networks are often isolated)
  const svg = document.getElementById('map');
  const ns = 'http://www.w3.org/2000/svg';
  function project(lat, lon) {
    const b = state.bounds;
    const x = 60 + ((lon - b.minLon) / (b.maxLon - b.minLon || 1)) * 880;
    const y = 60 + ((b.maxLat - lat) / (b.maxLat - b.minLat || 1)) * 640;
    return [x, y];
  }
  function drawAreas() {
    svg.replaceChildren();
    const lats = state.areas.map(a => a.lat), lons = state.areas.map(a => a.lon);
    state.bounds = { minLat: Math.min(...lats) - 0.06, maxLat: Math.max(...lats) + 0.06, minLon: Math.min(...lons) - 0.06, maxLon: Math.max(...lons) + 0.06 };
    for (const area of state.areas) {
      const [x, y] = project(area.lat, area.lon);
      const circle = document.createElementNS(ns, 'circle');
      circle.setAttribute('class', 'area'); circle.setAttribute('cx', x); circle.setAttribute('cy', y); circle.setAttribute('r', 58);
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('class', 'area-label'); label.setAttribute('x', x); label.setAttribute('y', y + 84);
      label.textContent = area.name;
      svg.append(circle, label);
    }
  }
  function deviceColor(d) {
    if (d.state === 'offline') return colors.offline;
    if (d.state === 'incident') return colors[d.severity] || colors.warning;
    return colors.ok;
  }
  function drawDevice(d) {
    if (!state.bounds || d.lat == null || d.lon == null) return;
    let dotEl = svg.querySelector(`circle[data-id="${CSS.escape(d.id)}"]`);
    if (!dotEl) {
      dotEl = document.createElementNS(ns, 'circle');
      dotEl.setAttribute('class', 'device');
      dotEl.dataset.id = d.id;
      const [x, y] = project(d.lat, d.lon);
      dotEl.setAttribute('cx', x); dotEl.setAttribute('cy', y); dotEl.setAttribute('r', 9);
      svg.append(dotEl);
    }
    dotEl.setAttribute('fill', deviceColor(d));
    dotEl.dataset.state = d.state;
  }

  // ---- KPI tiles
  const kpis = document.getElementById('kpis');
  function tile(label, value, detail, style) {
    return `<div class="kpi"${style ? ` style="${style}"` : ''}><div class="label">${label}</div><div class="value">${value}</div><div class="detail">${detail || ''}</div></div>`;
  }
  function drawKpis(k) {
    const sev = ['critical', 'major', 'minor', 'warning']
      .map(s => `<span class="sev" style="color:${colors[s]}" title="${t.severity[s]}">${k.openBySeverity[s] || 0}</span>`).join('');
    const openTotal = Object.values(k.openBySeverity).reduce((a, b) => a + b, 0);
    const aqi = k.worstAqi
      ? tile(t.kpiAqi, k.worstAqi.value, `${window.IocI18n.lang === 'en' ? k.worstAqi.categoryEn : k.worstAqi.categoryVi} · ${k.worstAqi.device}`, `border-color:${k.worstAqi.color};box-shadow:inset 0 -0.5rem 0 ${k.worstAqi.color}`)
      : tile(t.kpiAqi, '—', t.noAqi);
    kpis.innerHTML =
      tile(t.kpiTraffic, `${k.online.traffic}/${k.total.traffic}`) +
      tile(t.kpiEnvironment, `${k.online.environment}/${k.total.environment}`) +
      tile(t.kpiConnectivity, `${k.online.connectivity}/${k.total.connectivity}`) +
      tile(t.kpiIncidents, openTotal, sev) +
      aqi +
      tile(t.kpiCongestion, `${k.congestionIndex.toFixed(1)} %`) +
      tile(t.kpiAvailability, `${k.availability.toFixed(1)} %`);
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
      const where = [i.deviceId, state.areas.find(a => a.code === i.area)?.name || i.area].filter(Boolean).join(' · ');
      const stateText = t.state[i.state] + (i.active ? '' : ` (${t.cleared})`);
      const when = new Date(i.openedAt).toLocaleTimeString(locale, { hour12: false, hour: '2-digit', minute: '2-digit' });
      return `<li class="${i.state}" data-id="${i.id}" data-state="${i.state}" style="--c:${colors[i.severity]}"><span class="bar"></span>` +
        `<span><span class="what">${t.kind[i.kind] || i.kind} — ${t.severity[i.severity]}</span><br><span class="where">${escapeHtml(where)} · ${stateText}</span></span>` +
        `<span class="when">${when}</span></li>`;
    }).join('');
  }
  function escapeHtml(s) { return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  // ---- charts (uPlot), bounded
  const charts = {};
  function makeChart(id, color) {
    const el = document.getElementById(id);
    const size = () => ({ width: el.clientWidth, height: Math.max(60, el.clientHeight) });
    const plot = new uPlot({
      ...size(),
      legend: { show: false },
      axes: [
        { stroke: '#8ea0bf', grid: { stroke: '#23324d' }, values: (u, ticks) => ticks.map(v => new Date(v * 1000).toLocaleTimeString(locale, { hour12: false, hour: '2-digit', minute: '2-digit' })) },
        { stroke: '#8ea0bf', grid: { stroke: '#23324d' } },
      ],
      series: [{}, { stroke: color, width: 2 }],
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
    state.province = s.province;
    document.getElementById('title-sub').textContent = `${t.province} ${s.province}`;
    state.areas = s.areas;
    drawAreas();
    state.devices.clear();
    for (const d of s.devices) { state.devices.set(d.id, d); drawDevice(d); }
    state.incidents.clear();
    for (const i of s.incidents) state.incidents.set(i.id, i);
    state.chart = s.chart.slice(-maxChartPoints);
    drawKpis(s.kpis); drawTicker(); drawCharts();
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
  }
  function onDelta(d) {
    for (const dev of d.devices) { state.devices.set(dev.id, dev); drawDevice(dev); }
    // A device already known comes as a change: its state and values, not its place.
    for (const change of d.changes) {
      const dev = state.devices.get(change.id);
      if (dev) { Object.assign(dev, change); drawDevice(dev); }
    }
    // Removed by an admin or forgotten after a long silence: off the map (the tiles come recounted).
    for (const id of d.removed || []) {
      state.devices.delete(id);
      svg.querySelector(`circle[data-id="${CSS.escape(id)}"]`)?.remove();
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
    drawTicker();
    if (isNew && i.severity === 'critical' && i.state === 'open') ring();
  }

  charts.traffic = makeChart('chart-traffic', '#2ecc71');
  charts.environment = makeChart('chart-environment', '#f1c40f');
  charts.connectivity = makeChart('chart-connectivity', '#3498db');

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
