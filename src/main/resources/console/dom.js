// Building elements without innerHTML: every value from the store is text, never markup.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** A panel: a section with a heading, optional heading extras (e.g. a CSV button), and a body filled later. */
export function panel(title, { wide = false, id } = {}) {
  const body = h('div', { class: 'body' }, h('p', { class: 'empty' }, 'loading…'));
  const heading = h('h2', {}, title);
  const section = h('section', { class: wide ? 'wide' : null, id }, heading, body);
  return { section, heading, body };
}

/** Fills a panel from a promise; its failure is said in the panel, the rest of the page goes on. */
export async function fill(target, promise) {
  try {
    const content = await promise;
    target.body.replaceChildren(content);
  } catch (error) {
    if (error.name === 'Unauthorized') throw error; // the whole page asks for the token
    target.body.replaceChildren(h('p', { class: 'empty' }, `cannot show this: ${error.message}`));
  }
}
