// Admins: people (viewer / officer / admin) and the walls' kiosk links (shown once; revoking one disconnects its walls).
(() => {
  const { t, lang, locale } = window.IocI18n;
  const a = t.admin, c = t.console;
  const $ = id => document.getElementById(id);
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
  const time = iso => iso ? new Date(iso).toLocaleString(locale, { hour12: false }) : '';
  let csrf = null;

  for (const [id, text] of Object.entries({ title: a.title, back: c.back, 'users-title': a.users, 'h-user': a.user, 'h-name': a.name, 'h-role': a.role, 'h-created': a.created,
    'l-user': a.user, 'l-name': a.name, 'l-role': a.role, 'l-password': a.password, 'add-user': a.addUser, 'kiosk-title': a.kiosks, 'kiosk-help': a.kioskHelp,
    'h-kiosk': a.kioskName, 'h-kiosk-created': a.created, 'h-kiosk-state': c.state, 'l-kiosk': a.kioskName, 'add-kiosk': a.addKiosk })) {
    $(id).textContent = text;
  }
  $('back').href = '/console' + (lang === 'en' ? '?lang=en' : '');
  document.querySelector('select[name=role]').innerHTML = ['officer', 'viewer', 'admin'].map(r => `<option value="${r}">${c.roles[r]}</option>`).join('');

  async function api(path, options = {}) {
    const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-TOKEN': csrf } : {}) } });
    if (response.status === 401) { location.href = '/login?returnUrl=/admin'; throw new Error('401'); }
    if (!response.ok) { let m = response.statusText; try { const b = await response.json(); m = b.error || b.detail || (b.errors && Object.values(b.errors).flat().join(' ')) || b.title || m; } catch { } throw new Error(m); }
    return response.status === 204 ? null : response.json();
  }

  async function load() {
    const users = await api('/api/users');
    $('users').querySelector('tbody').innerHTML = users.map(u => `<tr><td>${escapeHtml(u.userName)}</td><td>${escapeHtml(u.displayName)}</td><td>${c.roles[u.role]}</td><td>${time(u.createdAt)}</td></tr>`).join('');
    const kiosks = await api('/api/kiosk-tokens');
    $('kiosks').querySelector('tbody').innerHTML = kiosks.map(k => `<tr data-id="${k.id}"><td>${escapeHtml(k.name)}</td><td>${time(k.createdAt)}</td>` +
      `<td>${k.revokedAt ? a.revoked + ' ' + time(k.revokedAt) : a.active}</td><td>${k.revokedAt ? '' : `<button type="button" data-revoke="${k.id}">${a.revoke}</button>`}</td></tr>`).join('');
  }

  $('new-user').addEventListener('submit', async e => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      await api('/api/users', { method: 'POST', body: JSON.stringify(Object.fromEntries(form)) });
      e.target.reset(); $('user-error').textContent = ''; await load();
    } catch (err) { $('user-error').textContent = err.message; }
  });
  $('new-kiosk').addEventListener('submit', async e => {
    e.preventDefault();
    const created = await api('/api/kiosk-tokens', { method: 'POST', body: JSON.stringify({ name: new FormData(e.target).get('name') }) });
    $('new-link').hidden = false;
    $('new-link').textContent = `${a.linkOnce} ${created.link}`;
    e.target.reset(); await load();
  });
  $('kiosks').addEventListener('click', async e => {
    const id = e.target.dataset?.revoke;
    if (id && confirm(a.confirmRevoke)) { await api(`/api/kiosk-tokens/${id}`, { method: 'DELETE' }); await load(); }
  });

  (async () => { csrf = (await api('/api/antiforgery')).token; await load(); })().catch(() => { });
})();
