// The console's frame: reads the address, draws the page it names, keeps the range and filter
// forms in step with it, refreshes on a timer, and asks for a token when the server wants one.

import { Unauthorized, setToken } from './api.js';
import { disposeAll } from './chart.js';
import { zone } from './format.js';
import * as state from './state.js';
import * as links from './pages/links.js';
import overview from './pages/overview.js';
import host from './pages/host.js';
import vendor from './pages/vendor.js';
import team from './pages/team.js';
import alerts from './pages/alerts.js';
import alert from './pages/alert.js';

const PAGES = { overview, host, vendor, team, alerts, alert };
// A page about one subject needs it named in the address.
const SUBJECT = { host: 'host', vendor: 'vendor', team: 'team', alert: 'alert' };

const main = document.getElementById('view');
const status = document.getElementById('status');
const rangeForm = document.getElementById('range');
const filterForm = document.getElementById('filters');
const loginForm = document.getElementById('login');
let refreshTimer = null;
let drawing = 0;

function localInput(isoText) {
  const date = new Date(isoText);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function syncForms(range) {
  for (const button of rangeForm.querySelectorAll('[data-range]')) {
    button.classList.toggle('current', button.dataset.range === range.preset);
  }
  rangeForm.since.value = localInput(range.since);
  rangeForm.until.value = localInput(range.until);
  rangeForm.refresh.value = state.params().get('refresh') || '0';
  const filters = state.filters();
  for (const name of state.FILTERS) filterForm[name].value = filters[name] || '';
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('current', a.dataset.view === state.view());
    a.href = a.dataset.view === 'alerts' ? links.alerts() : links.overview(); // the range goes along
  }
}

async function draw() {
  const mine = ++drawing;
  const name = PAGES[state.view()] && (!SUBJECT[state.view()] || state.params().get(SUBJECT[state.view()]))
    ? state.view() : 'overview';
  const range = state.range();
  syncForms(range);
  disposeAll();
  main.replaceChildren();
  delete main.dataset.state;
  status.classList.remove('error');
  status.textContent = 'loading…';
  try {
    await PAGES[name](main, { range, filters: state.filters() });
    if (mine !== drawing) return;
    loginForm.hidden = true;
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (mine !== drawing) return;
    if (error instanceof Unauthorized) {
      loginForm.hidden = false;
      main.replaceChildren();
    }
    status.classList.add('error');
    status.textContent = error.message;
  }
  main.dataset.state = 'ready';
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const seconds = Number(state.params().get('refresh') || 0);
  if (seconds > 0) refreshTimer = setTimeout(draw, seconds * 1000);
}

rangeForm.addEventListener('click', (event) => {
  const preset = event.target.dataset?.range;
  if (preset) state.go(state.link({ range: preset, since: null, until: null }));
});
rangeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const since = rangeForm.since.value ? state.iso(new Date(rangeForm.since.value)) : null;
  const until = rangeForm.until.value ? state.iso(new Date(rangeForm.until.value)) : null;
  state.go(state.link({ range: null, since, until }));
});
rangeForm.refresh.addEventListener('change', () => {
  state.go(state.link({ refresh: rangeForm.refresh.value === '0' ? null : rangeForm.refresh.value }));
});
filterForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const changes = {};
  for (const name of state.FILTERS) changes[name] = filterForm[name].value.trim() || null;
  state.go(state.link(changes));
});
document.getElementById('clear-filters').addEventListener('click', () => {
  state.go(state.link(Object.fromEntries(state.FILTERS.map((name) => [name, null]))));
});
loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(loginForm.token.value.trim());
  loginForm.token.value = '';
  draw();
});
// Links within the console change the address without reloading the page.
document.addEventListener('click', (event) => {
  const a = event.target.closest?.('a[href^="/"]');
  if (a && !a.hasAttribute('download') && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    event.preventDefault();
    state.go(a.getAttribute('href'));
  }
});
addEventListener('popstate', draw);
document.getElementById('zone').textContent = zone;
draw();
