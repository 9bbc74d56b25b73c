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
// matched words marked, and up to three links to the sections of the page
// that match; "more results" moves focus to the first new one. Filters by
// kind, association and year are checkboxes in fieldsets with legends;
// they filter the results already found (no further request) and the
// count is announced again. The filters live in the address too
// (?q=…&kind=news&year=2025).

const PAGE_SIZE = 10;
const FACETS = ['kind', 'association', 'year'];

const root = document.querySelector('[data-search]');
if (root) start(root);

function start(root) {
  const form = root.querySelector('form.search-form');
  const input = form.querySelector('input[type="search"]');
  const status = root.querySelector('[data-search-status]');
  const list = root.querySelector('[data-search-results]');
  const moreButton = root.querySelector('[data-search-more]');
  const moreBox = moreButton.parentElement;
  const facetBox = root.querySelector('[data-search-facets]');
  const text = (name, query = '', count = '') =>
    (root.dataset['text' + name] || '').replace('{1}', query).replace('{2}', String(count));

  let engine = null;
  let current = { token: 0, all: [], results: [], shown: 0, query: '', table: null };
  // Selected filter values per facet, from the address at first.
  const address = new URL(window.location.href);
  const selected = Object.fromEntries(FACETS.map((name) => [name, new Set(address.searchParams.getAll(name))]));

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
    facetBox.hidden = true;
    if (!query) {
      announce(text('Empty'));
      return;
    }
    announce(text('Loading'));
    let found;
    let api;
    try {
      api = await load();
      found = await api.search(query);
    } catch (error) {
      if (token === current.token) announce(text('Error'));
      return;
    }
    if (token !== current.token) return;
    current = { token, all: found.results, results: [], shown: 0, query, table: found.table, api };
    await showFiltered();
  }

  // Whether a result has one of the selected values of every facet
  // (values of one facet are alternatives), leaving out facet `except`.
  function passes(result, except) {
    return FACETS.every((name) => {
      if (name === except || selected[name].size === 0) return true;
      const value = result.facets[name];
      const values = Array.isArray(value) ? value : value === null ? [] : [value];
      return values.some((v) => selected[name].has(v));
    });
  }

  async function showFiltered() {
    const token = current.token;
    current.results = current.all.filter((r) => passes(r));
    current.shown = 0;
    list.replaceChildren();
    await showMore(false);
    if (token !== current.token) return;
    showFacets();
    const count = current.results.length;
    const query = current.query;
    const filtered = FACETS.some((name) => selected[name].size > 0);
    let message = filtered ? text('Filtered', query, count)
      : count === 0 ? text('None', query) : count === 1 ? text('One', query) : text('Many', query, count);
    if (count > current.shown) message += ' ' + text('Shown', '', current.shown);
    announce(message);
  }

  // One fieldset per facet that has values among the results; each value
  // a checkbox with the number of results it would show, counted with the
  // other facets' filters applied.
  function showFacets() {
    const groups = [];
    for (const name of FACETS) {
      const counted = current.api.facets(current.all.filter((r) => passes(r, name)), current.table);
      const values = counted.find((g) => g.name === name).values;
      for (const key of selected[name]) {
        if (!values.some((v) => v.key === key)) values.push({ key, label: labelOf(name, key), count: 0 });
      }
      if (values.length === 0) continue;
      groups.push(facetGroup(name, values));
    }
    facetBox.replaceChildren(...groups);
    facetBox.hidden = groups.length === 0;
  }

  function labelOf(name, key) {
    const entry = current.table && current.table[name].find(([k]) => k === key);
    return entry ? entry[1] : key;
  }

  function facetGroup(name, values) {
    const fieldset = document.createElement('fieldset');
    fieldset.className = 'search-facet';
    const legend = document.createElement('legend');
    legend.textContent = text('Facet' + name[0].toUpperCase() + name.slice(1));
    const options = document.createElement('ul');
    for (const value of values) {
      const item = document.createElement('li');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `kh-filter-${name}-${value.key}`;
      box.name = name;
      box.value = value.key;
      box.checked = selected[name].has(value.key);
      box.addEventListener('change', () => {
        if (box.checked) selected[name].add(value.key);
        else selected[name].delete(value.key);
        remember();
        showFiltered().then(() => {
          const again = document.getElementById(box.id);
          if (again) again.focus();
        });
      });
      const label = document.createElement('label');
      label.htmlFor = box.id;
      label.append(value.label + ' ');
      const count = document.createElement('span');
      count.className = 'search-facet-count';
      count.textContent = `(${value.count})`;
      label.append(count);
      item.append(box, label);
      options.append(item);
    }
    fieldset.append(legend, options);
    return fieldset;
  }

  // The query and the filters in the address, so that a search can be
  // bookmarked and shared.
  function remember() {
    const address = new URL(window.location.href);
    if (current.query) address.searchParams.set('q', current.query);
    else address.searchParams.delete('q');
    for (const name of FACETS) {
      address.searchParams.delete(name);
      for (const value of selected[name]) address.searchParams.append(name, value);
    }
    window.history.replaceState(null, '', address);
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
    const subResults = data.sub_results || [];
    if (subResults.length) {
      const sections = document.createElement('ul');
      sections.className = 'search-subresults';
      for (const sub of subResults) {
        const entry = document.createElement('li');
        const subLink = document.createElement('a');
        subLink.href = sub.url;
        subLink.textContent = sub.title || sub.url;
        const subExcerpt = document.createElement('p');
        subExcerpt.append(...marked(sub.excerpt || ''));
        entry.append(subLink, subExcerpt);
        sections.append(entry);
      }
      item.append(sections);
    }
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
    // A new query starts without filters.
    for (const name of FACETS) selected[name].clear();
    current.query = query;
    remember();
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
