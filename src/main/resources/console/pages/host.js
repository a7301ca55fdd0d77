// One host: its traffic per minute (per hour over long ranges), exposure score and what weighs it, vendors and
// services, client fingerprints, alerts.

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { lines } from '../chart.js';
import { bytes, count } from '../format.js';
import { table } from '../table.js';
import * as links from './links.js';

/** Per-minute rows summed per hour: a week of minutes is too many bars to read. */
function hourly(result) {
  const sums = new Map();
  for (const row of result.rows) {
    const hour = new Date(row.window_start);
    hour.setUTCMinutes(0, 0, 0);
    const key = hour.toISOString();
    const sum = sums.get(key) || { window_start: key, bytes_up: 0, bytes_down: 0, flows: 0 };
    sum.bytes_up += Number(row.bytes_up);
    sum.bytes_down += Number(row.bytes_down);
    sum.flows += Number(row.flows);
    sums.set(key, sum);
  }
  return { ...result, rows: [...sums.values()] };
}

// The host's row of host_exposure; the score is MB (10^6 bytes) uploaded × factor (docs/exposure.md).
const EXPOSURE_TILES = [
  ['exposure', 'exposure score (MB uploaded × factor)', (value) => Number(value).toLocaleString()],
  ['bytes_up', 'uploaded to AI vendors', bytes],
  ['vendors', 'vendors', count],
];

function exposureTiles(result) {
  const row = result.rows[0];
  if (!row) return h('p', { class: 'empty' }, 'nothing uploaded to AI vendors in this range');
  return h('div', { class: 'tiles', 'data-query': result.name }, [
    ...EXPOSURE_TILES.map(([column, label, format]) => tile(column, row[column], format(row[column]), label)),
    tile('top_vendor', row.top_vendor, h('a', { href: links.vendor(row.top_vendor) }, row.top_vendor),
      `weighs most: ${Number(row.top_vendor_exposure).toLocaleString()} of the score`),
  ]);
}

function tile(column, value, shown, label) {
  return h('div', { class: 'tile', dataset: { column, value }, title: String(value) },
    h('div', { class: 'value' }, shown),
    h('div', { class: 'label' }, label));
}

export default function render(main, { range, filters }) {
  const name = filters.host;
  const common = { since: range.since, until: range.until, ...filters };
  const perHour = range.seconds > 6 * 3600;
  const chart = panel(perHour ? 'Traffic per hour' : 'Traffic per minute', { wide: true, id: 'host-traffic' });
  const exposure = panel('Exposure', { wide: true, id: 'host-exposure' });
  const weighed = panel('Exposure per vendor and service: MB uploaded × vendor_factor × policy_factor',
    { wide: true, id: 'host-exposure-vendors' });
  const vendors = panel('Vendors and services', { id: 'host-vendors' });
  const clients = panel('Clients (TLS fingerprint JA4)', { id: 'host-clients' });
  const alerts = panel('Alerts', { wide: true, id: 'host-alerts' });
  main.append(h('h1', {}, `Host ${name}`), ...[chart, exposure, weighed, vendors, clients, alerts].map((p) => p.section));
  return Promise.all([
    fill(chart, query('host_minutes', common).then((r) =>
      lines(perHour ? hourly(r) : r, range, { timeColumn: 'window_start', valueColumns: ['bytes_up', 'bytes_down'] }))),
    fill(exposure, query('host_exposure', common).then(exposureTiles)),
    fill(weighed, query('host_vendor_exposure', common).then((r) => table(r, {
      panel: weighed, links: links.columns,
      columns: ['vendor', 'service', 'bytes_up', 'trains_by_default', 'retention', 'policy_tag', 'vendor_factor',
        'policy_factor', 'exposure'],
    }))),
    fill(vendors, query('host_vendors', common).then((r) => table(r, { panel: vendors, links: links.columns }))),
    fill(clients, query('host_clients', common).then((r) => table(r, { panel: clients, links: links.columns }))),
    fill(alerts, query('alerts', common).then((r) => table(r, {
      panel: alerts, links: links.columns,
      columns: ['window_start', 'detector', 'vendor', 'service', 'observed', 'baseline', 'score', 'reason', 'alert_id'],
    }))),
  ]);
}
