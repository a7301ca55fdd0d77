// Numbers and times for people: bytes in kB/MB/GB (as the CLI prints them), times in the browser's zone.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function bytes(value) {
  let unit = 0;
  let scaled = Number(value);
  while (Math.abs(scaled) >= 1000 && unit < UNITS.length - 1) {
    scaled /= 1000;
    unit++;
  }
  if (unit === 0) return `${scaled.toFixed(0)} B`;
  const digits = Math.abs(scaled) < 10 ? 2 : Math.abs(scaled) < 100 ? 1 : 0;
  return `${scaled.toFixed(digits)} ${UNITS[unit]}`;
}

export function count(value) {
  return Number(value).toLocaleString();
}

const TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

export function time(iso) {
  return iso ? TIME.format(new Date(iso)) : '';
}

export const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// Detectors whose observed and baseline are a ratio (upload/download); the others' are bytes.
const RATIO_DETECTORS = new Set(['upload-heavy']);

/** Whether an alert's observed and baseline are bytes (else a ratio). */
export function measuresBytes(alert) {
  return !RATIO_DETECTORS.has(alert.detector);
}

/** The value as text by the column's name and type: bytes, times; an alert's observed/baseline by its detector. */
export function cell(column, value, row = {}) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(' ');
  if (column.name === 'observed' || column.name === 'baseline') {
    return measuresBytes(row) ? bytes(value) : Number(value).toFixed(1);
  }
  if (isBytes(column.name)) return bytes(value);
  if (isFactor(column.name)) return factor(value);
  if (column.type.startsWith('DateTime')) return time(value);
  if (typeof value === 'number') return Number.isInteger(value) ? count(value) : value.toFixed(2);
  return String(value);
}

/** A multiplier of the exposure score (vendor_factor, policy_factor): exact, as the query returns it. */
export function factor(value) {
  return `×${Number(value)}`;
}

export function isFactor(name) {
  return name.endsWith('_factor');
}

export function isBytes(name) {
  return name.startsWith('bytes') || name.endsWith('_bytes') || name === 'max_upload';
}

export function isNumeric(column) {
  return /Int|Float|Decimal/.test(column.type);
}
