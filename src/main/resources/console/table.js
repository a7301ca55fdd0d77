// A query result as a table: formatted cells (exact values in data-value and title), optional
// links per column, clickable rows, and a CSV export of exactly the rows shown.

import { h } from './dom.js';
import { cell, isNumeric } from './format.js';

/**
 * @param result a query result {name, columns, rows}
 * @param options {columns: names to show (default all), links: {column: row => address},
 *     onRow: row => void, selected: row => boolean, panel: {heading} to receive the CSV button}
 */
export function table(result, options = {}) {
  const columns = options.columns
    ? options.columns.map((name) => result.columns.find((c) => c.name === name)).filter(Boolean)
    : result.columns;
  if (options.panel) {
    options.panel.heading.querySelector('.csv')?.remove();
    options.panel.heading.append(h('button', {
      type: 'button', class: 'csv', title: `download ${result.name}.csv`,
      onclick: () => download(`${result.name}.csv`, csv(result)),
    }, 'CSV'));
  }
  if (result.rows.length === 0) return h('p', { class: 'empty' }, 'nothing in this range');
  const head = h('tr', {}, columns.map((c) => h('th', { class: isNumeric(c) ? 'number' : null }, c.name)));
  const body = result.rows.map((row) => {
    const tr = h('tr', {
      class: [options.onRow ? 'clickable' : '', options.selected?.(row) ? 'selected' : ''].join(' ').trim() || null,
      onclick: options.onRow ? () => options.onRow(row) : null,
    }, columns.map((c) => {
      const text = cell(c, row[c.name], row);
      const address = options.links?.[c.name]?.(row);
      const raw = Array.isArray(row[c.name]) ? row[c.name].join(' ') : row[c.name];
      return h('td', { class: isNumeric(c) ? 'number' : c.name === 'reason' ? 'reason' : null, dataset: { column: c.name, value: raw ?? '' }, title: raw },
        address ? h('a', { href: address }, text) : text);
    }));
    return tr;
  });
  return h('div', { class: 'scroll' }, h('table', { 'data-query': result.name }, h('thead', {}, head), h('tbody', {}, body)));
}

/** RFC 4180: every column of every row, raw values (bytes as integers, times ISO-8601 UTC). */
export function csv(result) {
  const quote = (value) => {
    const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [result.columns.map((c) => quote(c.name)).join(',')];
  for (const row of result.rows) lines.push(result.columns.map((c) => quote(row[c.name])).join(','));
  return lines.join('\r\n') + '\r\n';
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
