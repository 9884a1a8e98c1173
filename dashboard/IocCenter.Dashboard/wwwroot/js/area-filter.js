// The console's area filter: a searchable list of the pack's communes (a province has a hundred or more, too many for
// a plain select). Typing matches without diacritics ("dao thanh" finds "Phường Đạo Thạnh"); arrows move, Enter
// picks, Escape closes and then clears. A combobox in the ARIA sense.
window.IocAreaFilter = (() => {
  const { fold } = window.IocProvinceMap;

  /** input, list (ul), clear (button); onChange(code | null). Returns { setAreas(areas), choose(code) }. */
  function create({ input, list, clear, onChange, text }) {
    let areas = [];          // [{ code, name, shortName, key }]
    let shown = [];
    let active = -1;
    let chosen = null;

    input.placeholder = text.areaSearch;
    clear.setAttribute('aria-label', text.clearArea);
    clear.title = text.clearArea;

    function setAreas(list) {
      areas = list.map(a => ({ code: a.code, name: a.name, shortName: a.shortName, key: fold(a.name), short: fold(a.shortName) }))
        .sort((x, y) => x.shortName.localeCompare(y.shortName, 'vi'));
    }

    // Names that start with what was typed first, then names holding it; a code typed in full finds its area too.
    function matches(query) {
      const q = fold(query).trim().replace(/\s+/g, ' ');
      if (!q) return areas;
      const starts = [], holds = [];
      for (const a of areas) {
        if (a.short.startsWith(q) || a.code === q) starts.push(a);
        else if (a.key.includes(q)) holds.push(a);
      }
      return starts.concat(holds);
    }

    function open(query) {
      shown = matches(query);
      active = shown.length ? 0 : -1;
      list.innerHTML = '';
      if (!shown.length) {
        const li = document.createElement('li');
        li.className = 'none'; li.textContent = text.noArea;
        list.append(li);
      }
      for (const [n, a] of shown.entries()) {
        const li = document.createElement('li');
        li.id = 'f-area-opt-' + a.code;
        li.setAttribute('role', 'option');
        li.dataset.code = a.code;
        li.textContent = a.name;
        li.addEventListener('mousedown', e => { e.preventDefault(); choose(a.code); });
        if (n === active) li.setAttribute('aria-selected', 'true');
        list.append(li);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      mark();
    }
    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function mark() {
      for (const li of list.querySelectorAll('[role=option]')) li.setAttribute('aria-selected', String(li.dataset.code === shown[active]?.code));
      const current = shown[active];
      if (current) {
        input.setAttribute('aria-activedescendant', 'f-area-opt-' + current.code);
        document.getElementById('f-area-opt-' + current.code)?.scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function choose(code) {
      const a = code ? areas.find(x => x.code === code) : null;
      chosen = a?.code ?? null;
      input.value = a?.name ?? '';
      input.dataset.code = chosen ?? '';
      clear.hidden = !chosen;
      close();
      onChange(chosen);
    }

    input.addEventListener('input', () => open(input.value));
    input.addEventListener('focus', () => { if (!chosen) open(input.value); });
    input.addEventListener('blur', () => { close(); if (chosen) input.value = areas.find(x => x.code === chosen)?.name ?? ''; });
    input.addEventListener('keydown', e => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (list.hidden) open(input.value);
        else if (shown.length) active = (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        mark();
        e.preventDefault();
      } else if (e.key === 'Enter') {
        if (!list.hidden && shown[active]) choose(shown[active].code);
        e.preventDefault();
      } else if (e.key === 'Escape') {
        if (!list.hidden) close(); else choose(null);
        e.preventDefault();
      }
    });
    clear.addEventListener('click', () => { choose(null); input.focus(); });

    return { setAreas, choose, get value() { return chosen; } };
  }

  return { create };
})();
