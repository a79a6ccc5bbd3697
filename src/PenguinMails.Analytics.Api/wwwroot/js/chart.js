// Daily line charts with uPlot (lib/uplot, MIT), sized to their container.

const colors = ['#98a2b3', '#2563eb', '#7c3aed', '#15803d', '#b42318', '#b54708'];

/** Draws series (name -> values) over days (yyyy-MM-dd) into element; returns the chart. */
export function lineChart(element, days, series) {
  const x = days.map(day => Date.parse(`${day}T00:00:00Z`) / 1000);
  const width = Math.max(280, element.clientWidth || 600);
  const options = {
    width, height: 280,
    scales: { x: { time: true } },
    series: [{}, ...Object.keys(series).map((name, i) => ({ label: name, stroke: colors[i % colors.length], width: 2 }))],
    axes: [{}, { size: 60 }],
    legend: { live: true },
    tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
  };
  const chart = new uPlot(options, [x, ...Object.values(series)], element);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 280 }));
  resize.observe(element);
  return chart;
}
