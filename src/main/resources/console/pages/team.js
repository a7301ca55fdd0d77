// One team: upload per vendor over time, its hosts, the vendors it uses, hosts new to a vendor, alerts.

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { stackedSeries } from '../chart.js';
import { table } from '../table.js';
import * as links from './links.js';

export default function render(main, { range, filters }) {
  const common = { since: range.since, until: range.until, ...filters };
  const chart = panel('Upload per vendor', { wide: true, id: 'team-upload' });
  const hosts = panel('Hosts', { id: 'team-hosts' });
  const vendors = panel('Vendors', { id: 'team-vendors' });
  const pairs = panel('Hosts new to a vendor', { id: 'team-new-pairs' });
  const alerts = panel('Alerts', { id: 'team-alerts' });
  main.append(h('h1', {}, `Team ${filters.team}`), ...[chart, hosts, vendors, pairs, alerts].map((p) => p.section));
  return Promise.all([
    fill(chart, query('fleet_overview', { ...common, bucket_seconds: range.bucket }, {
      columns: ['time', 'vendor', 'bytes_up'],
    }).then((r) => stackedSeries(r, range))),
    fill(hosts, query('top_hosts', common).then((r) => table(r, { panel: hosts, links: links.columns }))),
    fill(vendors, query('top_vendors', common).then((r) => table(r, { panel: vendors, links: links.columns }))),
    fill(pairs, query('new_vendor_pairs', common).then((r) => table(r, { panel: pairs, links: links.columns }))),
    fill(alerts, query('alerts', common).then((r) => table(r, {
      panel: alerts, links: links.columns,
      columns: ['window_start', 'detector', 'host', 'vendor', 'observed', 'score', 'alert_id'],
    }))),
  ]);
}
