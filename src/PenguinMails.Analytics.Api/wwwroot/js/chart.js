// Daily line charts with uPlot (lib/uplot, MIT), sized to their container.

/** One colour per series name on every chart (and the funnel's bars in app.css): Replied is always green. */
export const seriesColors = {
  Sent: '#98a2b3', Delivered: '#0891b2', Opened: '#2563eb', Clicked: '#7c3aed',
  Replied: '#15803d', Bounced: '#b42318', Complaints: '#b54708',
};

const integer = new Intl.NumberFormat('en-US');
const HalfDay = 43200;

/** Draws series (name -> values) over days (yyyy-MM-dd) into element; returns the chart. */
export function lineChart(element, days, series) {
  const x = days.map(day => Date.parse(`${day}T00:00:00Z`) / 1000);
  const width = Math.max(280, element.clientWidth || 600);
  const totals = Object.values(series).map(values => values.reduce((sum, v) => sum + (v ?? 0), 0));
  const options = {
    width, height: 280,
    // Half a day either side: one day is a point in the middle, not an axis over years.
    scales: { x: { time: true, range: () => [x[0] - HalfDay, x[x.length - 1] + HalfDay] } },
    series: [
      // Without the cursor on a day, the legend shows the range's totals instead of "--".
      { value: (u, v) => v === null || v === undefined ? 'total' : new Date(v * 1000).toISOString().slice(0, 10) },
      ...Object.keys(series).map((name, i) => ({
        label: name, stroke: seriesColors[name] ?? '#667085', width: 2,
        points: { show: days.length <= 31 },
        value: (u, v) => integer.format(v === null || v === undefined ? totals[i] : v),
      })),
    ],
    axes: [{}, { size: 60 }],
    legend: { live: true },
    // The drawn x range, in seconds, on the element: what the axis spans, for people who debug and for tests.
    hooks: { setScale: [(u, key) => { if (key === 'x') element.dataset.xRange = `${u.scales.x.min},${u.scales.x.max}`; }] },
    tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
  };
  const chart = new uPlot(options, [x, ...Object.values(series)], element);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 280 }));
  resize.observe(element);
  return chart;
}
