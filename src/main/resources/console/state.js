// The view, its time range and its filters live in the address's query string: a copied
// address shows the same view to someone else.

export const FILTERS = ['host', 'team', 'vendor', 'service', 'detector'];
export const PRESETS = { '1h': 3600, '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
const DEFAULT_PRESET = '24h';

export function params() {
  return new URLSearchParams(location.search);
}

export function view() {
  return params().get('view') || 'overview';
}

/** ISO-8601 UTC without milliseconds: what the API's DateTime parameters read. */
export function iso(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The range asked for: a preset ending now (`range=24h`), or `since`/`until` (ISO-8601).
 * Returns {since, until, preset, seconds, bucket}: bucket is the time-series step, at most 150
 * points over the range, on whole minutes/hours, at least an hour from a day and a day from 30 days. A preset ends at the next whole minute, hour for
 * a day, UTC day for 7 days or more, so both ends are whole and the store answers from its
 * rollups: the coarsest one the ends align to (a week or a month from the daily tables).
 */
export function range(now = new Date()) {
  const p = params();
  let since;
  let until;
  let preset = null;
  if (p.has('since') || p.has('until')) {
    since = p.has('since') ? new Date(p.get('since')) : new Date(now.getTime() - PRESETS[DEFAULT_PRESET] * 1000);
    until = p.has('until') ? new Date(p.get('until')) : now;
  } else {
    preset = PRESETS[p.get('range')] ? p.get('range') : DEFAULT_PRESET;
    const whole = (PRESETS[preset] >= 7 * 86400 ? 86400 : PRESETS[preset] >= 86400 ? 3600 : 60) * 1000;
    until = new Date(Math.ceil(now.getTime() / whole) * whole);
    since = new Date(until.getTime() - PRESETS[preset] * 1000);
  }
  const seconds = Math.max(60, (until - since) / 1000);
  return { since: iso(since), until: iso(until), preset, seconds, bucket: bucketFor(seconds) };
}

function bucketFor(seconds) {
  // At least an hour from a day and a day from a month: the chart then reads the hourly or daily
  // rollup, not 1 440 minutes of a day or 720 hours of a month (BENCHMARKS.md, Console queries at 100 M rows).
  const least = seconds >= 30 * 86400 ? 86400 : seconds >= 86400 ? 3600 : 60;
  const steps = [60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86400];
  return steps.find((step) => step >= least && seconds / step <= 150) || 86400;
}

/** The filters set in the address, e.g. {host: 'build-42'}. */
export function filters() {
  const p = params();
  const chosen = {};
  for (const name of FILTERS) {
    if (p.get(name)) chosen[name] = p.get(name);
  }
  return chosen;
}

/** An address within the console: this one with `changes` applied (null removes a key). */
export function link(changes) {
  const p = params();
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') p.delete(key);
    else p.set(key, value);
  }
  const text = p.toString();
  return text ? `/?${text}` : '/';
}

/** Goes to an address of the console without reloading the page. */
export function go(address) {
  history.pushState(null, '', address);
  dispatchEvent(new PopStateEvent('popstate'));
}
