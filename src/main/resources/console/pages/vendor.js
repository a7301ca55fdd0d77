// One AI vendor: its services, traffic over time, the hosts and teams that use it, its alerts.

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { lines } from '../chart.js';
import { table } from '../table.js';
import * as links from './links.js';

export default function render(main, { range, filters }) {
  const common = { since: range.since, until: range.until, ...filters };
  const chart = panel('Traffic', { wide: true, id: 'vendor-traffic' });
  const services = panel('Services', { wide: true, id: 'vendor-services' });
  const hosts = panel('Top hosts', { id: 'vendor-hosts' });
  const teams = panel('Teams', { id: 'vendor-teams' });
  const alerts = panel('Alerts', { wide: true, id: 'vendor-alerts' });
  main.append(h('h1', {}, `Vendor ${filters.vendor}`), ...[chart, services, hosts, teams, alerts].map((p) => p.section));
  return Promise.all([
    fill(chart, query('fleet_overview', { ...common, bucket_seconds: range.bucket }, {
      columns: ['time', 'bytes_up', 'bytes_down'],
    }).then((r) => lines(r, range, { timeColumn: 'time', valueColumns: ['bytes_up', 'bytes_down'] }))),
    fill(services, query('vendor_detail', common).then((r) => table(r, { panel: services }))),
    fill(hosts, query('top_hosts', common).then((r) => table(r, { panel: hosts, links: links.columns }))),
    fill(teams, query('top_teams', common).then((r) => table(r, { panel: teams, links: links.columns }))),
    fill(alerts, query('alerts', common).then((r) => table(r, {
      panel: alerts, links: links.columns,
      columns: ['window_start', 'detector', 'host', 'service', 'observed', 'score', 'reason', 'alert_id'],
    }))),
  ]);
}
