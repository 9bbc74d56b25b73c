// The search page of the hub theme (templates/search.html).
//
// Loads this language's search engine and index (written by `kommhub
// build` below /search-index/<lang>/) only when the reader searches or
// focuses the field, never on other pages. Talks only to the site's own host, and stores
// nothing: no cookies, no localStorage; the query lives in the address
// (?q=…) so that results can be bookmarked and shared.
//
// Accessibility: a labelled field with a hint; the result count is
// announced in a polite live region (role="status"); each result is a
// list item with a heading link, its date and an excerpt with the
// matched words marked; "more results" moves focus to the first new one.

const PAGE_SIZE = 10;

const root = document.querySelector('[data-search]');
if (root) start(root);

function start(root) {
  const form = root.querySelector('form.search-form');
  const input = form.querySelector('input[type="search"]');
  const status = root.querySelector('[data-search-status]');
  const list = root.querySelector('[data-search-results]');
  const moreButton = root.querySelector('[data-search-more]');
  const moreBox = moreButton.parentElement;
  const text = (name, query = '', count = '') =>
    (root.dataset['text' + name] || '').replace('{1}', query).replace('{2}', String(count));

  let engine = null;
  let current = { token: 0, results: [], shown: 0, query: '' };

  function load() {
    if (!engine) {
      // Result URLs in the index already carry the site's base path.
      engine = import(root.dataset.bundle + 'engine.js');
      engine.catch(() => { engine = null; });
    }
    return engine;
  }

  let announcing = 0;
  function announce(message) {
    // Emptied first so that the same message is announced again.
    window.clearTimeout(announcing);
    status.textContent = '';
    announcing = window.setTimeout(() => { status.textContent = message; }, 50);
  }

  async function search(query) {
    const token = ++current.token;
    list.replaceChildren();
    list.hidden = true;
    moreBox.hidden = true;
    if (!query) {
      announce(text('Empty'));
      return;
    }
    announce(text('Loading'));
    let results;
    try {
      const api = await load();
      const found = await api.search(query);
      results = found ? found.results : [];
    } catch (error) {
      if (token === current.token) announce(text('Error'));
      return;
    }
    if (token !== current.token) return;
    current = { token, results, shown: 0, query };
    await showMore(false);
    const count = results.length;
    let message = count === 0 ? text('None', query) : count === 1 ? text('One', query) : text('Many', query, count);
    if (count > current.shown) message += ' ' + text('Shown', '', current.shown);
    announce(message);
  }

  async function showMore(moveFocus) {
    const token = current.token;
    const next = current.results.slice(current.shown, current.shown + PAGE_SIZE);
    const data = await Promise.all(next.map((result) => result.data()));
    if (token !== current.token) return;
    const items = data.map(resultItem);
    list.append(...items);
    current.shown += next.length;
    list.hidden = current.shown === 0;
    moreBox.hidden = current.shown >= current.results.length;
    if (moveFocus && items.length) items[0].querySelector('a').focus();
  }

  function resultItem(data) {
    const item = document.createElement('li');
    item.className = 'search-result';
    const heading = document.createElement('h2');
    const link = document.createElement('a');
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.append(link);
    item.append(heading);
    const meta = data.meta || {};
    if (meta.kind || meta.date) {
      const line = document.createElement('p');
      line.className = 'search-result-meta';
      if (meta.kind) line.append(meta.kind);
      if (meta.kind && meta.date) line.append(' · ');
      if (meta.date) {
        const time = document.createElement('time');
        time.dateTime = meta.date;
        time.textContent = meta.date_text || meta.date;
        line.append(time);
      }
      item.append(line);
    }
    const excerpt = document.createElement('p');
    excerpt.className = 'search-result-excerpt';
    excerpt.append(...marked(data.excerpt || ''));
    item.append(excerpt);
    return item;
  }

  // The engine's excerpt is escaped text with <mark> around the matches;
  // only text and <mark> are taken over, so no markup from the index runs.
  function marked(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    const nodes = [];
    for (const node of template.content.childNodes) {
      if (node.nodeType === Node.ELEMENT_NODE && node.localName === 'mark') {
        const mark = document.createElement('mark');
        mark.textContent = node.textContent;
        nodes.push(mark);
      } else if (node.textContent) {
        nodes.push(document.createTextNode(node.textContent));
      }
    }
    return nodes;
  }

  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    const address = new URL(window.location.href);
    if (query) address.searchParams.set('q', query);
    else address.searchParams.delete('q');
    window.history.replaceState(null, '', address);
    search(query);
  });
  input.addEventListener('focus', () => { load().catch(() => {}); }, { once: true });
  moreButton.addEventListener('click', () => { showMore(true); });

  const initial = new URL(window.location.href).searchParams.get('q');
  if (initial && initial.trim()) {
    input.value = initial.trim();
    search(initial.trim());
  }
}
