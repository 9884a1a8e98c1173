// Admins: is anyone being told? The channels configured, the outbox per channel (waiting, failing, sent, given up,
// the last error) and the newest messages with their state. Refreshed every 15 s.
(() => {
  const { t, locale } = window.IocI18n;
  const a = t.admin;
  const $ = id => document.getElementById(id);
  const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
  const when = iso => iso ? new Date(iso).toLocaleString(locale, { hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—';
  // The server writes "Tiếng Việt / English": the reader's half.
  const inLanguage = text => { const parts = (text || '').split(' / '); return parts.length >= 2 ? parts[window.IocI18n.lang === 'en' ? 1 : 0] : text; };

  for (const [id, text] of Object.entries({ 'notifications-title': a.notifications, 'h-channel': a.channel, 'h-waiting': a.waiting, 'h-failing': a.failing,
    'h-sent': a.sent, 'h-gave-up': a.gaveUp, 'h-skipped': a.skipped, 'h-last-sent': a.lastSent, 'h-last-error': a.lastError, 'recent-title': a.recent,
    'h-at': a.at, 'h-incident': a.incident, 'h-recipient': a.recipient, 'h-event': a.event, 'h-status': a.status })) {
    $(id).textContent = text;
  }

  function status(e) {
    if (e.sentAt) return a.statusSent.replace('{time}', when(e.sentAt));
    if (e.skipped) return a.statusSkipped.replace('{reason}', inLanguage(e.lastError) || '');
    if (e.gaveUpAt) return a.statusGaveUp.replace('{n}', e.attempts);
    if (e.attempts > 0) return a.statusRetry.replace('{n}', e.attempts).replace('{time}', when(e.nextAttemptAt)) + (e.lastError ? ` — ${inLanguage(e.lastError)}` : '');
    return a.statusWaiting;
  }

  async function load() {
    const response = await fetch('/api/notifications', { credentials: 'same-origin' });
    if (!response.ok) return;
    const s = await response.json();
    $('channels').textContent = s.configured.length ? `${a.channels}: ${s.configured.join(', ')}` : a.noChannels;
    $('channels').className = s.configured.length ? '' : 'error';
    $('channel-status').querySelector('tbody').innerHTML = s.channels.map(c => `<tr data-channel="${escapeHtml(c.channel)}" class="${c.failing ? 'failing' : ''}">` +
      `<td>${escapeHtml(c.channel)}</td><td class="number">${c.waiting}</td><td class="number">${c.failing}</td><td class="number">${c.sent}</td><td class="number">${c.gaveUp}</td><td class="number">${c.skipped}</td>` +
      `<td>${when(c.lastSentAt)}</td><td>${escapeHtml(inLanguage(c.lastError) || '')}</td></tr>`).join('');
    $('outbox').querySelector('tbody').innerHTML = s.recent.map(e => {
      const n = e.notification;
      return `<tr data-state="${e.sentAt ? 'sent' : e.skipped ? 'skipped' : e.gaveUpAt ? 'gave_up' : 'waiting'}"><td>${when(e.createdAt)}</td>` +
        `<td><a href="/console?incident=${n.incidentId}">#${n.incidentId}</a></td><td>${escapeHtml(n.channel)}: ${escapeHtml(n.recipient)}</td>` +
        `<td>${escapeHtml(a.events[n.event.startsWith('severity_') ? 'severity' : n.event] || n.event)}${n.facts?.level ? ' ' + n.facts.level : ''}</td><td>${escapeHtml(status(e))}</td></tr>`;
    }).join('');
  }

  load();
  setInterval(load, 15000);
})();
