// Admins: people (viewer / officer / admin: add, change the role, disable or enable, reset the password, delete; each
// change ends that person's sessions) and the walls' kiosk links (shown once; revoking one disconnects its walls).
(() => {
  const { t, lang, locale } = window.IocI18n;
  const a = t.admin, c = t.console;
  const $ = id => document.getElementById(id);
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
  // Vietnam's time, whatever the admin PC's own zone (as on the other screens).
  const time = iso => iso ? new Date(iso).toLocaleString(locale, { hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }) : '';
  let csrf = null;
  // The server says why in both languages, Vietnamese first ("… / …"): the page shows its own.
  const inLanguage = m => { const parts = String(m).split(' / '); return parts.length === 2 ? parts[lang === 'en' ? 1 : 0] : m; };

  for (const [id, text] of Object.entries({ title: a.title, back: c.back, 'my-password': c.myPassword, 'people-help': a.peopleHelp, 'h-state': a.state, 'h-actions': a.actions,
    'l-reset-user': a.resetUser, 'l-reset-password': a.newPassword, reset: a.resetPassword,
    'users-title': a.users, 'h-user': a.user, 'h-name': a.name, 'h-role': a.role, 'h-created': a.created,
    'l-user': a.user, 'l-name': a.name, 'l-role': a.role, 'l-password': a.password, 'add-user': a.addUser, 'kiosk-title': a.kiosks, 'kiosk-help': a.kioskHelp,
    'h-kiosk': a.kioskName, 'h-kiosk-created': a.created, 'h-kiosk-state': c.state, 'l-kiosk': a.kioskName, 'add-kiosk': a.addKiosk })) {
    $(id).textContent = text;
  }
  const suffix = lang === 'en' ? '?lang=en' : '';
  document.title = 'IOC — ' + a.title;
  $('back').href = '/console' + suffix;
  $('my-password').href = '/account/password' + suffix;
  $('lang-link').textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
  $('lang-link').href = lang === 'en' ? '?lang=vi' : '?lang=en';
  const roleOptions = selected => ['officer', 'viewer', 'admin'].map(r => `<option value="${r}"${r === selected ? ' selected' : ''}>${c.roles[r]}</option>`).join('');
  document.querySelector('#new-user select[name=role]').innerHTML = roleOptions('officer');

  async function api(path, options = {}) {
    const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-TOKEN': csrf } : {}) } });
    if (response.status === 401) { location.href = '/login?returnUrl=/admin'; throw new Error('401'); }
    if (!response.ok) { let m = response.statusText; try { const b = await response.json(); m = b.error || b.detail || (b.errors && Object.values(b.errors).flat().map(inLanguage).join(' ')) || b.title || m; } catch { } throw new Error(inLanguage(m)); }
    return response.status === 204 ? null : response.json();
  }

  async function load() {
    const users = await api('/api/users');
    $('users').querySelector('tbody').innerHTML = users.map(u => `<tr data-id="${u.id}" data-user="${escapeHtml(u.userName)}" data-disabled="${u.disabled}">` +
      `<td>${escapeHtml(u.userName)}</td><td>${escapeHtml(u.displayName)}</td>` +
      `<td><select data-role="${u.id}" aria-label="${escapeHtml(a.role)}">${roleOptions(u.role)}</select></td>` +
      `<td>${u.disabled ? a.disabled : a.enabled}</td><td>${time(u.createdAt)}</td>` +
      `<td class="row-actions"><button type="button" data-toggle="${u.id}">${u.disabled ? a.enable : a.disable}</button> ` +
      `<button type="button" class="danger" data-delete="${u.id}">${a.remove}</button></td></tr>`).join('');
    $('reset-password').querySelector('select[name=id]').innerHTML = users.map(u => `<option value="${u.id}">${escapeHtml(u.userName)}</option>`).join('');
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
  // One change to a person; the answer (done or why not) is shown under the table.
  async function change(path, options, done) {
    $('people-error').textContent = ''; $('people-done').textContent = '';
    try { await api(path, options); $('people-done').textContent = done; } catch (err) { $('people-error').textContent = err.message; }
    await load();
  }
  $('users').addEventListener('change', e => {
    const id = e.target.dataset?.role;
    if (id) change(`/api/users/${id}/role`, { method: 'PUT', body: JSON.stringify({ role: e.target.value }) }, a.roleChanged);
  });
  $('users').addEventListener('click', e => {
    const row = e.target.closest('tr');
    if (e.target.dataset?.toggle) {
      const disabled = row.dataset.disabled !== 'true';
      if (!disabled || confirm(a.confirmDisable.replace('{0}', row.dataset.user))) {
        change(`/api/users/${e.target.dataset.toggle}/disabled`, { method: 'PUT', body: JSON.stringify({ disabled }) }, disabled ? a.disabledDone : a.enabledDone);
      }
    } else if (e.target.dataset?.delete && confirm(a.confirmDelete.replace('{0}', row.dataset.user))) {
      change(`/api/users/${e.target.dataset.delete}`, { method: 'DELETE' }, a.deleted);
    }
  });
  $('reset-password').addEventListener('submit', async e => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      await api(`/api/users/${form.get('id')}/password`, { method: 'PUT', body: JSON.stringify({ password: form.get('password') }) });
      e.target.querySelector('input').value = ''; $('reset-error').textContent = ''; $('people-done').textContent = a.passwordReset;
    } catch (err) { $('reset-error').textContent = err.message; }
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
