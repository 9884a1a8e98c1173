// Maintenance windows on the officer console: what is under maintenance now or soon, set one (a device, a commune or
// ward, a whole domain; once, every day, every week or by a cron expression, in Vietnam time), end one early.
window.IocMaintenance = (() => {
  const vietnamMs = 7 * 3600 * 1000;
  // A datetime-local input holds a wall-clock time without a zone: here it is always Vietnam's, whatever the PC's zone.
  const toInput = ms => new Date(ms + vietnamMs).toISOString().slice(0, 16);
  const fromInput = value => value ? `${value}:00+07:00` : null;

  function create({ api, c, time, escapeHtml, inLanguage, devices, areaName, areas, role }) {
    const m = c.maint;
    const $ = id => document.getElementById(id);
    const fill = (select, options) => { select.innerHTML = options.map(([v, label]) => `<option value="${v}">${escapeHtml(label)}</option>`).join(''); };
    let views = [];

    $('m-help').textContent = m.help;
    for (const [id, text] of [['m-scope-label', m.scope], ['m-target-label', m.target], ['m-from-label', m.from], ['m-to-label', m.to], ['m-repeat-label', m.repeat],
      ['m-cron-label', m.cron], ['m-duration-label', m.duration], ['m-reason-label', m.reason], ['m-save', m.save]]) $(id).textContent = text;
    fill($('m-scope'), Object.entries(m.scopes));
    fill($('m-repeat'), Object.entries(m.repeats));

    function targets() {
      const scope = $('m-scope').value;
      const options = scope === 'device' ? [...devices.values()].map(d => [d.id, d.name && d.name !== d.id ? d.name : ''])
        : scope === 'area' ? areas().map(a => [a.code, a.name])
          : Object.entries(c.domains);
      $('m-targets').innerHTML = options.slice(0, 2000).map(([v, label]) => `<option value="${escapeHtml(v)}">${escapeHtml(label)}</option>`).join('');
    }
    $('m-scope').addEventListener('change', () => { $('m-target').value = ''; targets(); });
    $('m-repeat').addEventListener('change', () => {
      const cron = $('m-repeat').value === 'cron';
      $('m-cron-box').hidden = !cron; $('m-duration-box').hidden = !cron;
      $('m-to').closest('label').hidden = cron;
    });
    function defaults() {
      // From this minute (work about to start now is the usual case) for two hours.
      const start = Math.floor(Date.now() / 60000) * 60000;
      $('m-from').value = toInput(start);
      $('m-to').value = toInput(start + 2 * 3600 * 1000);
    }

    function targetName(w) {
      if (w.scope === 'device') { const d = devices.get(w.target); return d?.name && d.name !== d.id ? `${d.name} (${w.target})` : w.target; }
      if (w.scope === 'area') return areaName(w.target) || w.target;
      return c.domains[w.target] || w.target;
    }
    function draw() {
      const officer = role() === 'officer' || role() === 'admin';
      $('m-form').hidden = !officer;
      const active = views.filter(v => v.activeNow).length;
      $('m-summary').textContent = m.title + (active ? ` — ${m.activeCount.replace('{n}', active)}` : '');
      $('maint').dataset.active = String(active);
      $('m-list').innerHTML = views.length === 0 ? `<li class="none">${m.none}</li>` : views.map(v => {
        const w = v.window;
        const when = v.activeNow ? m.activeUntil.replace('{time}', time(v.endsNowAt)) : m.startsAt.replace('{time}', time(v.nextStart));
        const every = w.cron ? ' · ' + m.every.replace('{cron}', describe(w.cron)).replace('{minutes}', Math.round(parseDuration(w.duration))) : '';
        return `<li data-id="${w.id}" data-active="${v.activeNow}" data-target="${escapeHtml(w.target)}">` +
          `<strong>${escapeHtml(m.scopes[w.scope] || w.scope)}: ${escapeHtml(targetName(w))}</strong> — ${escapeHtml(when)}${escapeHtml(every)}` +
          `<br><span class="m-reason">${escapeHtml(w.reason)} · ${escapeHtml(m.setBy.replace('{user}', w.createdBy))}</span>` +
          (officer ? ` <button type="button" class="secondary" data-end="${w.id}">${m.end}</button>` : '') + '</li>';
      }).join('');
    }
    // What the console's own repeats wrote, in words ("hằng ngày lúc 23:00"); any other cron expression as it is.
    function describe(cron) {
      const match = /^(\d{1,2}) (\d{1,2}) \* \* (\*|[0-6])$/.exec(cron);
      if (!match) return cron;
      const at = `${match[2].padStart(2, '0')}:${match[1].padStart(2, '0')}`;
      return match[3] === '*' ? m.daily.replace('{time}', at) : m.weekly.replace('{day}', m.days[Number(match[3])]).replace('{time}', at);
    }
    // "02:00:00" or "1.00:00:00" (System.Text.Json's TimeSpan) in minutes.
    function parseDuration(s) {
      const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(s || '');
      return match ? (Number(match[1] || 0) * 1440 + Number(match[2]) * 60 + Number(match[3]) + Number(match[4]) / 60) : 0;
    }
    async function refresh() {
      try { views = await api('/api/maintenance'); draw(); } catch { /* the next refresh tries again; the banner says when the server is away */ }
    }

    $('m-list').addEventListener('click', async e => {
      const id = e.target.dataset?.end;
      if (!id || !confirm(m.confirmEnd)) return;
      try {
        await api(`/api/maintenance/${id}/cancel`, { method: 'POST', body: JSON.stringify({ comment: null }) });
        $('m-message').textContent = m.ended; $('m-message').className = 'done';
      } catch (err) { $('m-message').textContent = inLanguage(err.message); $('m-message').className = 'error'; }
      await refresh();
    });

    $('m-form').addEventListener('submit', async e => {
      e.preventDefault();
      const repeat = $('m-repeat').value;
      const from = $('m-from').value, to = $('m-to').value;
      const request = { scope: $('m-scope').value, target: $('m-target').value.trim(), startsAt: fromInput(from), endsAt: null, cron: null, durationMinutes: null, reason: $('m-reason').value.trim() };
      if (repeat === 'once') {
        request.endsAt = fromInput(to);
      } else if (repeat === 'cron') {
        request.cron = $('m-cron').value.trim();
        request.durationMinutes = Number($('m-duration').value) || null;
      } else if (from && to) {
        // Every day (or every week on the start's weekday) at the start's time, for as long as from → to (across midnight too).
        const [date, clock] = from.split('T');
        const [hh, mm] = clock.split(':').map(Number);
        let minutes = Math.round((Date.parse(fromInput(to)) - Date.parse(fromInput(from))) / 60000);
        if (minutes <= 0) minutes += 1440;
        // "To" before "from": across midnight. Said in hours and minutes, and asked when it is most of the day.
        if (minutes > 720) {
          const duration = `${Math.floor(minutes / 60)} ${c.units.h} ${minutes % 60} ${c.units.min}`;
          if (!confirm(m.confirmLong.replace('{duration}', duration).replace('{from}', clock))) return;
        }
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        request.cron = repeat === 'daily' ? `${mm} ${hh} * * *` : `${mm} ${hh} * * ${weekday}`;
        request.durationMinutes = minutes;
      }
      try {
        await api('/api/maintenance', { method: 'POST', body: JSON.stringify(request) });
        $('m-message').textContent = m.saved; $('m-message').className = 'done';
        $('m-reason').value = '';
      } catch (err) { $('m-message').textContent = inLanguage(err.message); $('m-message').className = 'error'; }
      await refresh();
    });

    return {
      start() { defaults(); targets(); refresh(); setInterval(refresh, 30000); },
      prefill(scope, target) {
        $('maint').open = true;
        $('m-scope').value = scope; targets();
        $('m-target').value = target;
        defaults();
        $('maint').scrollIntoView({ block: 'start' });
        $('m-reason').focus();
      },
      refresh,
    };
  }
  return { create };
})();
