// A device's state, latest values and history (1 h / 24 h / 7 d, downsampled by the telemetry store).
(() => {
  const { t, lang, locale } = window.IocI18n;
  const c = t.console;
  const $ = id => document.getElementById(id);
  const id = new URLSearchParams(location.search).get('id');
  let range = '1h';
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));

  $('back').textContent = c.back; $('back').href = '/console' + (lang === 'en' ? '?lang=en' : '');
  $('values-title').textContent = c.lastValues; $('metric-label').textContent = c.metric; $('range-label').textContent = c.range;

  async function api(path) {
    const response = await fetch(path, { credentials: 'same-origin' });
    if (response.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('401'); }
    if (!response.ok) throw new Error(response.statusText);
    return response.json();
  }

  async function chart() {
    document.querySelectorAll('button[data-range]').forEach(b => b.setAttribute('aria-pressed', String(b.dataset.range === range)));
    const series = await api(`/api/devices/${encodeURIComponent(id)}/history?metric=${encodeURIComponent($('metric').value)}&range=${range}`);
    $('chart').dataset.points = String(series.points.length);
    $('empty').hidden = series.points.length > 0; $('empty').textContent = c.noData;
    window.IocCharts.draw($('chart'), series, { mean: `${series.metric} (${c.mean})`, min: c.min, max: c.max });
  }

  async function init() {
    const device = await api(`/api/devices/${encodeURIComponent(id)}`);
    document.title = `IOC — ${device.id}`;
    $('title').textContent = `${c.device} ${device.id}`;
    const state = device.state === 'offline' ? t.offline : device.state === 'ok' ? t.ok : t.severity[device.severity];
    $('facts').innerHTML = [[c.domain, c.domains[device.domain]], [c.area, device.areaName || device.area || '—'], [c.state, state],
      [c.lastSeen, device.ts ? new Date(device.ts).toLocaleString(locale, { hour12: false }) : '—']].map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('');
    const names = Object.keys(device.values);
    $('values').querySelector('tbody').innerHTML = names.map(n => `<tr><td>${escapeHtml(n)}</td><td>${device.values[n]}</td></tr>`).join('');
    $('metric').innerHTML = names.map(n => `<option>${escapeHtml(n)}</option>`).join('');
    $('metric').addEventListener('change', chart);
    document.querySelectorAll('button[data-range]').forEach(b => b.addEventListener('click', () => { range = b.dataset.range; chart(); }));
    await chart();
  }
  init().catch(() => { });
})();
