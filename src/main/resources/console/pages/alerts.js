// Every alert in the range and filters: how many incidents per detector over time, then the incidents, one
// row each (its latest version; the alert page shows them all).

import { query } from '../api.js';
import { h, panel, fill } from '../dom.js';
import { countSeries } from '../chart.js';
import { table } from '../table.js';
import * as links from './links.js';

export default function render(main, { range, filters }) {
  const common = { since: range.since, until: range.until, ...filters };
  const timeline = panel('Alerts per detector', { wide: true, id: 'alert-timeline' });
  const list = panel('Alerts (one row per incident)', { wide: true, id: 'alert-list' });
  main.append(h('h1', {}, 'Alerts'), timeline.section, list.section);
  return Promise.all([
    fill(timeline, query('alert_timeline', { ...common, bucket_seconds: range.bucket }).then((r) => countSeries(r, range))),
    fill(list, query('incidents', common).then((r) => table(r, {
      panel: list, links: links.columns, columns: links.INCIDENT_COLUMNS,
    }))),
  ]);
}
