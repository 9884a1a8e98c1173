// A downsampled series (mean with its min–max) as a uPlot chart; used by the console and the device page.
window.IocCharts = (() => {
  const { locale } = window.IocI18n;
  function draw(element, response, labels) {
    element.replaceChildren();
    const xs = response.points.map(p => p.startMs / 1000);
    const data = [xs, response.points.map(p => p.mean), response.points.map(p => p.min), response.points.map(p => p.max)];
    const width = element.clientWidth || 400;
    // Colours from the page's CSS (the console's night theme sets them), else uPlot's own and ours for a light page.
    const css = getComputedStyle(element);
    const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const grid = color('--chart-grid', 'rgba(0,0,0,0.07)');
    const axis = { stroke: color('--chart-text', '#000'), grid: { stroke: grid }, ticks: { stroke: grid } };
    return new uPlot({
      width, height: Math.max(160, Math.round(width * 0.4)),
      legend: { show: true },
      axes: [{ ...axis, values: (u, ticks) => ticks.map(v => new Date(v * 1000).toLocaleString(locale, { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })) }, axis],
      series: [{}, { label: labels.mean, stroke: color('--chart-mean', '#1b4f9c'), width: 2 }, { label: labels.min, stroke: color('--chart-min', '#9bb2d6'), dash: [4, 4] }, { label: labels.max, stroke: color('--chart-max', '#d68f9b'), dash: [4, 4] }],
    }, data, element);
  }
  return { draw };
})();
