// One alert: why it fired, the host's upload around its window against the baseline, and the
// flows that contributed (a click shows every field of one).

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { bytes, cell, measuresBytes } from '../format.js';
import { lines } from '../chart.js';
import { table } from '../table.js';
import { go, link, iso, params } from '../state.js';
import * as links from './links.js';

const AROUND_SECONDS = 3600;

function shift(text, seconds) {
  return iso(new Date(new Date(text).getTime() + seconds * 1000));
}

function fields(result, row) {
  return h('dl', { class: 'fields' }, result.columns.flatMap((c) => {
    const address = links.columns[c.name]?.(row);
    const text = cell(c, row[c.name], row);
    return [h('dt', {}, c.name), h('dd', { dataset: { column: c.name } }, address ? h('a', { href: address }, text) : text)];
  }));
}

/**
 * The host's minutes around the alert in the detector's measure: bytes up per minute, or the
 * upload/download ratio for a ratio detector; the window shaded, baseline and observed as levels.
 */
function observedVsBaseline(result, around, alert) {
  const ratio = !measuresBytes(alert);
  const rows = ratio
    ? result.rows.map((row) => ({ ...row, 'upload/download': Number(row.bytes_up) / Math.max(1, Number(row.bytes_down)) }))
    : result.rows;
  return lines({ ...result, rows }, around, {
    timeColumn: 'window_start',
    valueColumns: ratio ? ['upload/download'] : ['bytes_up', 'bytes_down'],
    format: ratio ? (value) => Number(value).toFixed(1) : bytes,
    markArea: [{ name: 'alert window', xAxis: Date.parse(alert.window_start) }, { xAxis: Date.parse(alert.window_end) }],
    markLine: [{ name: 'baseline', yAxis: Number(alert.baseline) }, { name: 'observed', yAxis: Number(alert.observed) }],
  });
}

/**
 * The records of the alert's incident, oldest first: the incident's records share its detector,
 * host, vendor and first window (their window_start), which the alerts query filters on.
 */
async function incidentVersions(alert) {
  const result = await query('alerts', {
    host: alert.host, vendor: alert.vendor, detector: alert.detector,
    since: alert.window_start, until: shift(alert.window_start, 1), limit: 100000,
  });
  const rows = result.rows.filter((row) => (alert.incident_id ? row.incident_id === alert.incident_id : row.alert_id === alert.alert_id));
  rows.sort((a, b) => Number(a.version) - Number(b.version));
  return { ...result, rows };
}

export default async function render(main) {
  const id = params().get('alert');
  const summary = panel('Alert', { wide: true, id: 'alert-summary' });
  const chart = panel('Upload around the alert: observed vs baseline', { wide: true, id: 'alert-chart' });
  const flows = panel('Contributing flows', { wide: true, id: 'alert-flows' });
  const flow = panel('Flow', { wide: true, id: 'alert-flow' });
  const versions = panel('Every version of this incident', { wide: true, id: 'alert-versions' });
  main.append(h('h1', {}, `Alert ${id}`), summary.section, versions.section, chart.section, flows.section);
  const result = await query('alert', { alert_id: id });
  const alert = result.rows[0];
  if (!alert) {
    summary.body.replaceChildren(h('p', { class: 'empty' }, `no alert ${id}`));
    return;
  }
  summary.body.replaceChildren(h('p', { class: 'alert-reason' }, alert.reason), fields(result, alert));
  const selected = params().get('flow');
  const around = { since: shift(alert.window_start, -AROUND_SECONDS), until: shift(alert.window_end, AROUND_SECONDS) };
  return Promise.all([
    fill(versions, incidentVersions(alert).then((r) => table(r, {
      panel: versions, links: links.columns,
      columns: ['version', 'state', 'severity', 'window_end', 'windows', 'total_bytes', 'peak_bytes', 'reason', 'alert_id'],
      selected: (row) => row.alert_id === alert.alert_id,
    }))),
    fill(chart, query('host_minutes', { host: alert.host, vendor: alert.vendor, ...around }).then((r) =>
      observedVsBaseline(r, around, alert))),
    fill(flows, query('alert_flows', { alert_id: id }).then((r) => {
      const index = (row) => String(r.rows.indexOf(row));
      if (selected !== null && r.rows[Number(selected)]) {
        main.append(flow.section);
        flow.body.replaceChildren(fields(r, r.rows[Number(selected)]));
      }
      return table(r, {
        panel: flows, links: links.columns,
        onRow: (row) => go(link({ flow: index(row) })),
        selected: (row) => index(row) === selected,
      });
    })),
  ]);
}
