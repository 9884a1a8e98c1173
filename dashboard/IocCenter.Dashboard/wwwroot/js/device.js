// A device's state, latest values and history (1 h / 24 h / 7 days, downsampled by the telemetry store).
(() => {
  const { t, lang } = window.IocI18n;
  const c = t.console;
  const charts = window.IocCharts;
  const $ = id => document.getElementById(id);
  const id = new URLSearchParams(location.search).get('id');
  let range = '1h';
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));

  $('back').textContent = c.back; $('back').href = '/console' + (lang === 'en' ? '?lang=en' : '');
  $('values-title').textContent = c.lastValues; $('metric-label').textContent = c.metric; $('range-label').textContent = c.range;
  document.querySelectorAll('button[data-range]').forEach(b => { b.textContent = c.ranges[b.dataset.range]; });

  class NotFound extends Error { }
  class Failed extends Error { constructor(status) { super(String(status)); this.status = status; } }
  async function api(path) {
    const response = await fetch(path, { credentials: 'same-origin' });
    if (response.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('401'); }
    if (response.status === 404) throw new NotFound(path);
    if (!response.ok) throw new Failed(response.status);
    return response.json();
  }

  async function chart() {
    document.querySelectorAll('button[data-range]').forEach(b => b.setAttribute('aria-pressed', String(b.dataset.range === range)));
    const metric = $('metric').value;
    const series = await api(`/api/devices/${encodeURIComponent(id)}/history?metric=${encodeURIComponent(metric)}&range=${range}`);
    $('chart').dataset.points = String(series.points.length);
    const span = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 }[range];
    const to = Date.now();
    charts.draw($('chart'), series, { mean: `${charts.metricLabel(series.metric)} (${c.mean})`, min: c.min, max: c.max, range: { from: to - span, to } });
  }

  // A page with no device, or a device that does not exist, says so (it was a blank page).
  function missing(message) {
    document.title = 'IOC — ' + c.device;
    $('title').textContent = c.device;
    $('content').hidden = true;
    $('missing').hidden = false;
    $('missing').textContent = message;
  }

  async function init() {
    if (!id) { missing(c.noDeviceId); return; }
    let device;
    try { device = await api(`/api/devices/${encodeURIComponent(id)}`); }
    catch (e) { if (e instanceof NotFound) { missing(c.noDevice.replace('{id}', id)); return; } throw e; }
    const name = device.name && device.name !== device.id ? `${device.name} (${device.id})` : device.id;
    document.title = `IOC — ${device.name || device.id}`;
    $('title').textContent = `${c.device} ${name}`;
    const status = device.state === 'offline' ? t.offline : device.state === 'ok' ? t.ok : t.incident;
    const place = device.areaName || (device.area ? `${device.area} (${c.unregistered})` : c.unknownPlace);
    const facts = [[c.domain, c.domains[device.domain] || device.domain], [c.area, place], [c.state, status]];
    if (device.state !== 'ok' && device.state !== 'offline' && device.severity) facts.push([c.severity, t.severity[device.severity]]);
    facts.push([c.lastSeen, device.ts ? charts.moment(device.ts / 1000, true) : '—']);
    $('facts').innerHTML = facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
    const names = Object.keys(device.values);
    const unit = n => charts.metricUnit(n) ? ' ' + charts.metricUnit(n) : '';
    $('values').querySelector('tbody').innerHTML = names.map(n => `<tr><td>${escapeHtml(t.metrics[n]?.[0] || n)}</td><td class="number">${escapeHtml(charts.formatNumber(device.values[n], 2) + unit(n))}</td></tr>`).join('');
    $('metric').innerHTML = names.map(n => `<option value="${escapeHtml(n)}">${escapeHtml(charts.metricLabel(n))}</option>`).join('');
    $('metric').addEventListener('change', chart);
    document.querySelectorAll('button[data-range]').forEach(b => b.addEventListener('click', () => { range = b.dataset.range; chart(); }));
    await chart();
  }
  // Anything else that failed is said too (it was a blank page).
  init().catch(e => { if (e instanceof Failed) missing(c.loadFailed.replace('{status}', e.status)); });
})();
