// Charts from query results with ECharts (packaged in the jar, loaded as a global by index.html).

import { h } from './dom.js';
import { bytes } from './format.js';

const charts = new Set();
addEventListener('resize', () => charts.forEach((chart) => chart.resize()));

/** Disposes the charts of the previous view before the next is drawn. */
export function disposeAll() {
  charts.forEach((chart) => chart.dispose());
  charts.clear();
}

function draw(option) {
  const element = h('div', { class: 'chart' });
  // ECharts measures its element: draw once it is in the page.
  requestAnimationFrame(() => {
    const chart = echarts.init(element, null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 90, top: 36, bottom: 50 },
      tooltip: { trigger: 'axis', valueFormatter: (value) => bytes(value) },
      legend: { type: 'scroll', top: 0 },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: (value) => bytes(value) } },
      ...option,
    });
    charts.add(chart);
  });
  return element;
}

/** The time axis over the whole range asked for, not only where there is data. */
function timeAxis(range) {
  return { type: 'time', min: Date.parse(range.since), max: Date.parse(range.until), axisLabel: { hideOverlap: true } };
}

/** Every bucket start of the range: a bucket without a row is 0, not a line drawn across it. */
function buckets(range) {
  const step = range.bucket * 1000;
  const first = Math.floor(new Date(range.since).getTime() / step) * step;
  const times = [];
  for (let t = first; t < new Date(range.until).getTime(); t += step) times.push(t);
  return times;
}

/**
 * Stacked areas, one series per value of `seriesColumn` (e.g. vendor), of `valueColumn` over
 * `timeColumn` in the range's buckets.
 */
export function stackedSeries(result, range, { timeColumn = 'time', seriesColumn = 'vendor', valueColumn = 'bytes_up' } = {}) {
  if (result.rows.length === 0) return h('p', { class: 'empty' }, 'nothing in this range');
  const times = buckets(range);
  const names = [...new Set(result.rows.map((row) => row[seriesColumn]))];
  const series = names.map((name) => {
    const values = new Map();
    for (const row of result.rows) {
      const t = new Date(row[timeColumn]).getTime();
      if (row[seriesColumn] === name) values.set(t, (values.get(t) || 0) + Number(row[valueColumn]));
    }
    return {
      name, type: 'line', stack: 'total', areaStyle: {}, symbol: 'none', step: 'start',
      data: times.map((t) => [t, values.get(t) || 0]),
    };
  });
  return draw({ series, xAxis: timeAxis(range) });
}

/**
 * Several columns over one time column, e.g. bytes_up (bars) and bytes_down (line) per minute;
 * `format` labels the values (bytes by default), `markArea`/`markLine` highlight a window and levels.
 */
export function lines(result, range, { timeColumn, valueColumns, markArea, markLine, format = bytes }) {
  if (result.rows.length === 0) return h('p', { class: 'empty' }, 'nothing in this range');
  const series = valueColumns.map((column, i) => ({
    name: column, type: i === 0 ? 'bar' : 'line', symbol: 'none', barMaxWidth: 12,
    data: result.rows.map((row) => [Date.parse(row[timeColumn]), Number(row[column])]),
    markArea: i === 0 && markArea ? { silent: true, itemStyle: { color: 'rgba(179,38,30,0.12)' }, data: [markArea] } : undefined,
    markLine: i === 0 && markLine ? { symbol: 'none', data: markLine, label: { formatter: (p) => `${p.name} ${format(p.value)}` } } : undefined,
  }));
  return draw({
    series, xAxis: timeAxis(range),
    tooltip: { trigger: 'axis', valueFormatter: (value) => format(value) },
    yAxis: { type: 'value', axisLabel: { formatter: (value) => format(value) } },
  });
}

/** Counts over time per category, e.g. alerts per detector. */
export function countSeries(result, range, { timeColumn = 'time', seriesColumn = 'detector', valueColumn = 'alerts' } = {}) {
  if (result.rows.length === 0) return h('p', { class: 'empty' }, 'nothing in this range');
  const names = [...new Set(result.rows.map((row) => row[seriesColumn]))];
  const series = names.map((name) => ({
    name, type: 'bar', stack: 'total', barMaxWidth: 12,
    data: result.rows.filter((row) => row[seriesColumn] === name).map((row) => [Date.parse(row[timeColumn]), Number(row[valueColumn])]),
  }));
  return draw({
    series, tooltip: { trigger: 'axis' }, xAxis: timeAxis(range),
    yAxis: { type: 'value', minInterval: 1 },
  });
}
