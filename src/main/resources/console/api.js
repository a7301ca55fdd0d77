// The console's only source of data: the named queries of the stack's HTTP API.

const TOKEN_KEY = 'agentwatch.token';
let catalog = null;

export class Unauthorized extends Error {
  name = 'Unauthorized';
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  catalog = null;
}

async function get(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) throw new Unauthorized('the server requires a token');
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
  return body;
}

/** Each named query's parameter names, asked once: filters go only to the queries that take them. */
async function parameters(name) {
  if (!catalog) {
    catalog = get('/api/queries').then((list) =>
      new Map(list.map((query) => [query.name, new Set(query.parameters.map((p) => p.name))])));
  }
  const known = await catalog;
  if (!known.has(name)) throw new Error(`the server has no named query '${name}'`);
  return known.get(name);
}

/**
 * Runs a named query with those of `params` it takes (empty values left out):
 * {name, columns: [{name, type}], rows: [{column: value}]}. `columns` asks for those columns only:
 * a chart that draws bytes need not wait for the store to count hosts.
 */
export async function query(name, params = {}, { columns } = {}) {
  const accepted = await parameters(name);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '' && accepted.has(key)) search.set(key, value);
  }
  if (columns) search.set('columns', columns.join(','));
  const body = await get(`/api/queries/${encodeURIComponent(name)}?${search}`);
  return { name, ...body };
}
