// The fleet at a glance: totals to AI vendors, upload per vendor over time, top hosts, teams, vendors, newest
// alerts (one row per incident), hosts new to a vendor.

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

/** The columns of fleet_summary's vendor and team rows, as top_vendors and top_teams show them. */
const VENDOR_COLUMNS = ['vendor', 'bytes_up', 'bytes_down', 'flows', 'hosts', 'teams'];
const TEAM_COLUMNS = ['team', 'hosts', 'bytes_up', 'bytes_down', 'vendors'];

/** One scope of fleet_summary ('fleet', 'vendor', 'team') as a result of its own: its rows, the given columns. */
function scope(result, name, columns) {
  return {
    name: `${result.name}-${name}`,
    columns: columns.map((column) => result.columns.find((c) => c.name === column)),
    rows: result.rows.filter((row) => row.scope === name),
  };
}

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
  // Tiles, vendors and teams from one query: it counts their hosts in one pass over the range.
  const summary = query('fleet_summary', common);
  return Promise.all([
    fill(totals, summary.then((r) => tiles(scope(r, 'fleet', TILES.map(([column]) => column))))),
    fill(series, query('fleet_overview', { ...common, bucket_seconds: range.bucket }, {
      columns: ['time', 'vendor', 'bytes_up'],
    }).then((r) => stackedSeries(r, range))),
    fill(hosts, query('top_hosts', common).then((r) => table(r, { panel: hosts, links: links.columns }))),
    fill(teams, summary.then((r) => table(scope(r, 'team', TEAM_COLUMNS), { panel: teams, links: links.columns }))),
    fill(vendors, summary.then((r) => table(scope(r, 'vendor', VENDOR_COLUMNS), { panel: vendors, links: links.columns }))),
    fill(alerts, query('incidents', { ...common, limit: 10 }).then((r) => table(r, {
      panel: alerts, links: links.columns, columns: links.INCIDENT_COLUMNS,
    }))),
    fill(pairs, query('new_vendor_pairs', common).then((r) => table(r, { panel: pairs, links: links.columns }))),
  ]);
}
