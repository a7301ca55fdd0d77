// Addresses of the console's pages: one place that knows which parameter names a page's subject.

import { link } from '../state.js';

const SUBJECTS = { view: null, host: null, vendor: null, team: null, alert: null, flow: null };

export const overview = () => link({ ...SUBJECTS });
// A host-level alert has no vendor, a host outside the inventory no team: no link then.
export const host = (name) => (name ? link({ ...SUBJECTS, view: 'host', host: name }) : null);
export const vendor = (name) => (name ? link({ ...SUBJECTS, view: 'vendor', vendor: name }) : null);
export const team = (name) => (name ? link({ ...SUBJECTS, view: 'team', team: name }) : null);
export const alert = (id) => link({ ...SUBJECTS, view: 'alert', alert: id });
export const alerts = () => link({ view: 'alerts', alert: null, flow: null });

/** The usual links of a table's columns: hosts, vendors, teams, alerts to their pages. */
export const columns = {
  host: (row) => host(row.host),
  vendor: (row) => vendor(row.vendor),
  top_vendor: (row) => vendor(row.top_vendor),
  team: (row) => team(row.team),
  alert_id: (row) => alert(row.alert_id),
};

/** What a list of incidents shows (the incidents query); alert_id is the latest version's, linked to its page. */
export const INCIDENT_COLUMNS = ['window_start', 'window_end', 'detector', 'host', 'vendor', 'severity', 'state',
  'total_bytes', 'updates', 'reason', 'alert_id'];
