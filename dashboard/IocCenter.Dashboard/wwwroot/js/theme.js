// Day and night for the officer console: dark from 18:00 to 06:00 Vietnam time, light by day, unless the person chose
// one with the header button; that choice is kept on this computer (localStorage) and wins over the clock. Loaded in
// <head> (the CSP allows no inline script) so the page is painted in its theme from the first frame.
window.IocTheme = (() => {
  const key = 'iocc.console.theme';
  const hourInVietnam = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: 'numeric', hourCycle: 'h23' });
  const listeners = [];

  function byClock() {
    const hour = Number(hourInVietnam.format(new Date()));
    return hour >= 18 || hour < 6 ? 'dark' : 'light';
  }
  function chosen() {
    try { const theme = localStorage.getItem(key); return theme === 'dark' || theme === 'light' ? theme : null; } catch { return null; }
  }
  function current() { return chosen() ?? byClock(); }
  function apply() {
    const theme = current();
    if (document.documentElement.dataset.theme === theme) return;
    document.documentElement.dataset.theme = theme;
    for (const listener of listeners) listener(theme);
  }
  function choose(theme) {
    try { localStorage.setItem(key, theme); } catch { } // private mode: for this page only
    apply();
  }

  apply();
  // A console left open all shift turns dark at 18:00 and light at 06:00 by itself (when nobody chose).
  setInterval(apply, 60_000);
  return { current, toggle: () => choose(current() === 'dark' ? 'light' : 'dark'), onChange: listener => listeners.push(listener) };
})();
