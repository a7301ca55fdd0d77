// The fleet at a glance: totals to AI vendors, upload per vendor over time, top hosts, teams, vendors, newest
// alerts (one row per incident).

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { bytes, count } from '../format.js';
import { stackedSeries } from '../chart.js';
import { table } from '../table.js';
import * as links from './links.js';

const TILES = [
  ['bytes_up', 'uploaded to AI vendors', bytes],
  ['bytes_down', 'downloaded from AI vendors', bytes],
  ['flows', 'flows', count],
  ['hosts', 'hosts', count],
  ['teams', 'teams', count],
  ['vendors', 'vendors', count],
];

export function tiles(result) {
  const row = result.rows[0] || {};
  return h('div', { class: 'tiles', 'data-query': result.name }, TILES.map(([column, label, format]) =>
    h('div', { class: 'tile', dataset: { column, value: row[column] ?? 0 }, title: String(row[column] ?? 0) },
      h('div', { class: 'value' }, format(row[column] ?? 0)),
      h('div', { class: 'label' }, label))));
}

export default function render(main, { range, filters }) {
  const common = { since: range.since, until: range.until, ...filters };
  const totals = panel('To AI vendors in this range', { wide: true, id: 'totals' });
  const series = panel('Upload per vendor', { wide: true, id: 'upload-per-vendor' });
  const hosts = panel('Top hosts by upload', { id: 'top-hosts' });
  const teams = panel('Top teams', { id: 'top-teams' });
  const vendors = panel('Vendors', { id: 'top-vendors' });
  const alerts = panel('Newest alerts', { id: 'newest-alerts' });
  const pairs = panel('Hosts new to a vendor', { wide: true, id: 'new-pairs' });
  main.append(h('h1', {}, 'Overview'), ...[totals, series, hosts, teams, vendors, alerts, pairs].map((p) => p.section));
  return Promise.all([
    fill(totals, query('fleet_totals', common).then(tiles)),
    fill(series, query('fleet_overview', { ...common, bucket_seconds: range.bucket }, {
      columns: ['time', 'vendor', 'bytes_up'],
    }).then((r) => stackedSeries(r, range))),
    fill(hosts, query('top_hosts', common).then((r) => table(r, { panel: hosts, links: links.columns }))),
    fill(teams, query('top_teams', common).then((r) => table(r, { panel: teams, links: links.columns }))),
    fill(vendors, query('top_vendors', common).then((r) => table(r, { panel: vendors, links: links.columns }))),
    fill(alerts, query('incidents', { ...common, limit: 10 }).then((r) => table(r, {
      panel: alerts, links: links.columns, columns: links.INCIDENT_COLUMNS,
    }))),
    fill(pairs, query('new_vendor_pairs', common).then((r) => table(r, { panel: pairs, links: links.columns }))),
  ]);
}
