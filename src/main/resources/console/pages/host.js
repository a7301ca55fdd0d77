// One host: its traffic per minute (per hour over long ranges), vendors and services, client fingerprints, alerts.

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { lines } from '../chart.js';
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

export default function render(main, { range, filters }) {
  const name = filters.host;
  const common = { since: range.since, until: range.until, ...filters };
  const perHour = range.seconds > 6 * 3600;
  const chart = panel(perHour ? 'Traffic per hour' : 'Traffic per minute', { wide: true, id: 'host-traffic' });
  const vendors = panel('Vendors and services', { id: 'host-vendors' });
  const clients = panel('Clients (TLS fingerprint JA4)', { id: 'host-clients' });
  const alerts = panel('Alerts', { wide: true, id: 'host-alerts' });
  main.append(h('h1', {}, `Host ${name}`), ...[chart, vendors, clients, alerts].map((p) => p.section));
  return Promise.all([
    fill(chart, query('host_minutes', common).then((r) =>
      lines(perHour ? hourly(r) : r, range, { timeColumn: 'window_start', valueColumns: ['bytes_up', 'bytes_down'] }))),
    fill(vendors, query('host_vendors', common).then((r) => table(r, { panel: vendors, links: links.columns }))),
    fill(clients, query('host_clients', common).then((r) => table(r, { panel: clients, links: links.columns }))),
    fill(alerts, query('alerts', common).then((r) => table(r, {
      panel: alerts, links: links.columns,
      columns: ['window_start', 'detector', 'vendor', 'service', 'observed', 'baseline', 'score', 'reason', 'alert_id'],
    }))),
  ]);
}
