// Charts (uPlot) for every screen: time axes in Vietnam's time with ticks chosen for the range, never repeated;
// numbers and dates as the reader writes them; type and lines that follow the page's rem (so a 4K wall reads from
// across the room); a series of one reading or none says so instead of drawing a meaningless axis.
window.IocCharts = (() => {
  const { t, lang, locale } = window.IocI18n;
  const zone = 'Asia/Ho_Chi_Minh';
  const day = 86_400;
  const format = options => new Intl.DateTimeFormat(locale, { timeZone: zone, hourCycle: 'h23', ...options });
  const parts = (formatter, seconds) => Object.fromEntries(formatter.formatToParts(new Date(seconds * 1000)).map(p => [p.type, p.value]));
  const clock = format({ hour: '2-digit', minute: '2-digit' });
  const clockSeconds = format({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const numeric = format({ year: 'numeric', month: '2-digit', day: '2-digit' });
  const shortMonth = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short' });

  /** "01/12" in Vietnamese, "1 Dec" in English; with the year: "01/12/2026", "1 Dec 2026". */
  function date(seconds, withYear = false) {
    const p = parts(numeric, seconds);
    if (lang === 'en') return shortMonth.format(new Date(seconds * 1000)) + (withYear ? ' ' + p.year : '');
    return `${p.day}/${p.month}` + (withYear ? '/' + p.year : '');
  }
  const dayKey = seconds => { const p = parts(numeric, seconds); return `${p.year}-${p.month}-${p.day}`; };
  const time = (seconds, withSeconds = false) => (withSeconds ? clockSeconds : clock).format(new Date(seconds * 1000));

  /** A moment as a person reads it: the time, and the date too when it is not today (Vietnam's day). */
  function moment(seconds, always = false) {
    const today = dayKey(Date.now() / 1000) === dayKey(seconds);
    const thisYear = parts(numeric, Date.now() / 1000).year === parts(numeric, seconds).year;
    return always || !today ? `${time(seconds)} ${date(seconds, !thisYear)}` : time(seconds);
  }

  /**
   * Labels for time ticks <paramref name="splits"/> (seconds) found <paramref name="increment"/> apart: seconds under a
   * minute apart, hours and minutes under a day (with the date under the first tick of each day), dates beyond. Labels are
   * distinct: if two ever came out equal, every label gets the next finer unit.
   */
  function timeTicks(splits, increment, fromSeconds) {
    let labels;
    if (increment >= 28 * day) {
      labels = splits.map(s => { const p = parts(numeric, s); return `${p.month}/${p.year}`; });
    } else if (increment >= day) {
      labels = splits.map(s => date(s));
    } else {
      // The date goes under the first tick of each day, and under the first tick at all when the axis starts on an
      // earlier day than that tick (a 24-hour chart from yesterday evening).
      const startDay = fromSeconds != null ? dayKey(fromSeconds) : null;
      labels = splits.map((s, i) => {
        const clockLabel = time(s, increment < 60);
        const newDay = i === 0 ? (startDay !== null && startDay !== dayKey(s)) || increment >= 3 * 3600 : dayKey(s) !== dayKey(splits[i - 1]);
        return newDay ? `${clockLabel}\n${date(s)}` : clockLabel;
      });
    }

    // Distinct within a day: the same clock time on two days is two moments, the date under each says which.
    const seen = new Set();
    const clash = splits.some((s, i) => { const k = dayKey(s) + labels[i]; if (seen.has(k)) return true; seen.add(k); return false; });
    if (clash) labels = splits.map(s => `${time(s, true)}\n${date(s)}`);
    return labels;
  }

  // Ordinary magnitudes as the reader writes them ("1.234,5"); a huge or tiny one (the contract accepts any double) in
  // scientific notation, so 1e300 is not a 300-digit number and 1e-9 is not "0" or "-0".
  const scientific = new Intl.NumberFormat(locale, { notation: 'scientific', maximumSignificantDigits: 3 });
  function formatNumber(v, digits = 1) {
    if (v == null || !Number.isFinite(v)) return '—';
    const size = Math.abs(v);
    if (size >= 1e9 || (size > 0 && size < 10 ** -digits)) return scientific.format(v);
    return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
  }
  const numberTicks = splits => splits.map(v => v == null ? '' : formatNumber(v, 2));

  /** A bucket's length in words: "30 giây", "10 phút", "1 giờ". */
  function interval(seconds) {
    const u = t.console.units;
    return seconds < 60 ? `${seconds} ${u.s}` : seconds < 3600 ? `${formatNumber(seconds / 60)} ${u.min}` : `${formatNumber(seconds / 3600)} ${u.h}`;
  }

  /** "Tốc độ trung bình (km/h)" for a metric id; the id itself for a metric nobody named. */
  function metricLabel(metric) {
    const known = t.metrics?.[metric];
    return known ? (known[1] ? `${known[0]} (${known[1]})` : known[0]) : metric;
  }
  const metricUnit = metric => t.metrics?.[metric]?.[1] ?? '';

  /** The root font size in CSS pixels: charts draw on a canvas, so their type and lines are scaled from it. */
  const rem = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

  const axisFont = r => `${Math.round(0.8 * r)}px "Noto Sans", "DejaVu Sans", sans-serif`;

  /** uPlot's time (x) and value (y) axes, scaled to <paramref name="r"/> (px per rem), in colours <paramref name="colors"/>. */
  function axes(r, colors, yLabel) {
    const font = axisFont(r);
    const line = Math.max(1, r / 16);
    const common = { stroke: colors.text, font, labelFont: font, grid: { stroke: colors.grid, width: line }, ticks: { stroke: colors.grid, width: line, size: 0.4 * r } };
    return [
      // Two lines when a tick carries its date; the space between ticks fits the widest label ("00:00:00").
      { ...common, size: 3.4 * r, space: 6 * r, values: (u, splits, axisIndex, space, increment) => record(u, splits, timeTicks(splits, increment, u.scales.x.min), font) },
      { ...common, size: 4 * r, space: 2.4 * r, values: (u, splits) => numberTicks(splits), ...(yLabel ? { label: yLabel, labelSize: 1.4 * r } : {}) },
    ];
  }

  // The time ticks as drawn (label, centre and width in CSS pixels) on the chart's element, for the layout checks of
  // the browser tests: a canvas has no text to inspect.
  const measure = document.createElement('canvas').getContext('2d');
  function record(u, splits, labels, font) {
    try {
      measure.font = font;
      const ticks = splits.map((s, i) => ({ label: labels[i], day: dayKey(s), x: Math.round(u.valToPos(s, 'x')), w: Math.ceil(Math.max(...labels[i].split('\n').map(l => measure.measureText(l).width))) }));
      u.root.dataset.xticks = JSON.stringify(ticks);
      u.root.dataset.xspan = String(Math.round(u.scales.x.max - u.scales.x.min));
    } catch { /* before the first layout */ }
    return labels;
  }

  /**
   * A uPlot hook (first draw, and every resize) that fits the value axis's title to the plot it runs up, as a canvas
   * cuts what is longer (the console's short evidence chart showed "Network latency (ms"): the metric's name
   * <paramref name="named"/> where it fits, else its <paramref name="unit"/>, else the name shortened with "…"; the
   * legend or the panel's heading names the metric in full. The title drawn is recorded on the chart (data-ytitle:
   * label, width, plot height) for the layout checks of the browser tests, as the time ticks are.
   */
  function fitValueTitle(named, unit, r) {
    return u => {
      const room = u.over.clientHeight;
      if (!room) {
        return; // not laid out (a hidden panel): fitted on the next resize
      }
      measure.font = axisFont(r);
      const fits = text => measure.measureText(text).width <= room;
      let title = named;
      if (!fits(title)) {
        if (unit && fits(unit)) {
          title = unit;
        } else {
          const chars = [...named];
          while (chars.length > 1 && !fits(chars.join('') + '…')) chars.pop();
          title = chars.join('') + '…';
        }
      }
      if (u.axes[1].label !== title) {
        u.axes[1].label = title;
        u.redraw(false, true);
      }
      u.root.dataset.ytitle = JSON.stringify({ label: title, w: Math.ceil(measure.measureText(title).width), h: Math.round(room) });
    };
  }

  const light = { text: '#34495e', grid: '#dde3ea', mean: '#1b4f9c', min: '#7f9cc7', max: '#c0392b' };

  /**
   * A downsampled series (mean with its min–max) from the history API into <paramref name="element"/>; the console's
   * evidence and the device page. A series of one reading or none is a sentence, not a chart. <paramref name="labels"/>:
   * the series' names, and optionally the time range, colours and aspect (height ÷ width; 0.45 unless given).
   */
  function draw(element, response, labels) {
    element.replaceChildren();
    const points = response.points || [];
    const unit = metricUnit(response.metric);
    if (points.length < 2) {
      const note = document.createElement('p');
      note.className = 'chart-note';
      note.textContent = points.length === 0
        ? t.console.noData
        : t.console.onePoint.replace('{value}', `${formatNumber(points[0].mean)}${unit ? ' ' + unit : ''}`).replace('{time}', moment(points[0].startMs / 1000, true))
          .replace('{interval}', interval(response.bucketSeconds || 60));
      element.append(note);
      element.dataset.chart = points.length === 0 ? 'empty' : 'one';
      return null;
    }

    element.dataset.chart = 'drawn';
    const xs = points.map(p => p.startMs / 1000);
    const data = [xs, points.map(p => p.mean), points.map(p => p.min), points.map(p => p.max)];
    const r = rem();
    // Colours from the page's CSS where it sets them (the console's night theme), else the light ones.
    const css = getComputedStyle(element);
    const fromCss = Object.fromEntries(['text', 'grid', 'mean', 'min', 'max'].map(k => [k, css.getPropertyValue('--chart-' + k).trim()]).filter(([, v]) => v));
    const colors = { ...light, ...fromCss, ...(labels.colors || {}) };
    const width = element.clientWidth || 400;
    const series = (label, stroke, dash) => ({ label, stroke, width: Math.max(1.5, r / (dash ? 12 : 8)), ...(dash ? { dash: [0.3 * r, 0.3 * r] } : {}), value: (u, v) => v == null ? '—' : formatNumber(v, 2) + (unit ? ' ' + unit : '') });
    const fit = fitValueTitle(metricLabel(response.metric), unit, r);
    return new uPlot({
      width, height: Math.max(10 * r, Math.round(width * (labels.aspect || 0.45))),
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), zone),
      // The axis covers the range the person chose (1 hour, 24 hours, 7 days), not only where there are readings.
      scales: labels.range ? { x: { time: true, range: () => [labels.range.from / 1000, labels.range.to / 1000] } } : {},
      legend: { show: true },
      axes: axes(r, colors, metricLabel(response.metric)),
      series: [
        { label: t.console.time, value: (u, v) => v == null ? '—' : moment(v, true) },
        series(labels.mean, colors.mean),
        series(labels.min, colors.min, true),
        series(labels.max, colors.max, true),
      ],
      hooks: { ready: [fit], setSize: [fit] },
    }, data, element);
  }

  return { draw, axes, fitValueTitle, rem, timeTicks, moment, metricLabel, metricUnit, formatNumber, zone };
})();
