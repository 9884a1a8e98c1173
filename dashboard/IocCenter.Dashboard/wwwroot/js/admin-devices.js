// Admins: remove a device from the walls (made-up ids, decommissioned devices). It comes back if it reports again.
(() => {
  const { t, locale } = window.IocI18n;
  const d = t.devices;
  const $ = id => document.getElementById(id);
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  let csrf = null;

  for (const [id, text] of Object.entries({ 'devices-title': d.title, 'devices-help': d.help, 'l-device': d.id, 'remove-device-button': d.remove,
    'unregistered-title': d.unregistered, 'h-device': d.id, 'h-domain': d.domain, 'h-device-state': d.state, 'h-device-last': d.last })) {
    $(id).textContent = text;
  }

  async function api(path, options = {}) {
    const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-TOKEN': csrf } : {}) } });
    if (response.status === 401) { location.href = '/login?returnUrl=/admin'; throw new Error('401'); }
    return response;
  }

  async function load() {
    const devices = await (await api('/api/devices')).json();
    const all = devices.filter(x => !x.name);
    const unregistered = all.slice(0, 200);
    $('remove-unregistered').textContent = fill(d.removeAll, { n: all.length });
    $('remove-unregistered').hidden = all.length === 0;
    $('remove-unregistered').dataset.count = String(all.length);
    $('unregistered').querySelector('tbody').innerHTML = unregistered.length === 0
      ? `<tr><td colspan="5">${d.none}</td></tr>`
      : unregistered.map(x => `<tr><td>${escapeHtml(x.id)}</td><td>${escapeHtml(t.console.domains[x.domain] ?? x.domain)}</td><td>${escapeHtml(t[x.state] ?? x.state)}</td>` +
        `<td>${x.ts ? new Date(x.ts).toLocaleString(locale, { hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }) : ''}</td><td><button type="button" data-remove="${escapeHtml(x.id)}">${d.remove}</button></td></tr>`).join('');
  }

  async function remove(id) {
    if (!confirm(fill(d.confirm, { id }))) return;
    const response = await api(`/api/devices/${encodeURIComponent(id)}`, { method: 'DELETE' });
    $('device-message').className = response.ok ? '' : 'error';
    $('device-message').textContent = response.ok
      ? fill(d.removed, { id, n: (await response.json()).incidentsResolved })
      : response.status === 404 ? fill(d.notFound, { id }) : fill(d.failed, { status: response.status });
    await load();
  }

  $('remove-device').addEventListener('submit', async e => {
    e.preventDefault();
    await remove(new FormData(e.target).get('id').trim());
    e.target.reset();
  });
  $('remove-unregistered').addEventListener('click', async e => {
    if (!confirm(fill(d.confirmAll, { n: e.target.dataset.count }))) return;
    const response = await api('/api/devices?unregistered=true', { method: 'DELETE' });
    const body = response.ok ? await response.json() : null;
    $('device-message').className = response.ok ? '' : 'error';
    $('device-message').textContent = body ? fill(d.removedAll, { count: body.devices, n: body.incidentsResolved }) : fill(d.failed, { status: response.status });
    await load();
  });
  $('unregistered').addEventListener('click', async e => {
    const id = e.target.dataset?.remove;
    if (id) await remove(id);
  });

  (async () => { csrf = (await (await api('/api/antiforgery')).json()).token; await load(); })().catch(() => { });
})();
