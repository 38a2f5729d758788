// The similar view: the query on top, results below with their distances, and what refines the query.
// URL: /?similar=ID (an indexed image, searched by its stored vector: no model run) or /?upload (a photo from this
// device, kept in memory only), plus more=ID / less=ID (refine examples, repeated), region=x,y,w,h (a rectangle as
// fractions of the image), k and max (the distance cut-off, applied in the page).
import { $, api, formWith, imageInfo, limit, originalUrl, thumbnailUrl, withToken } from './api.js';
import { showThumbnail } from './thumbnails.js';
import { arrowNavigation, card, fileName } from './cards.js';
import { cropBlob, RegionDrawer } from './region.js';

let go; // navigate(params, {replace}) from app.js
let fail; // showError(message) from app.js
let setUrl; // setUrl(params) from app.js: a new URL, no history entry
let upload = null; // the photo from this device: {file, url}; never in the URL, gone on reload
let current = null; // the URL parameters of the query shown
let queriesShown = 0; // counts the queries shown: an answer for an older one is dropped
let results = [];
let queryBlob = null; // the image actually sent for an upload or region query (explain sends it again)
let drawer;
let openViewer; // viewer.open(item) from app.js

export function init({ navigate, setUrl: replaceUrl, showError, openViewer: opener }) {
  go = navigate;
  openViewer = opener;
  fail = showError;
  setUrl = replaceUrl;
  drawer = new RegionDrawer($('preview'), $('crop-layer'), (region) => {
    $('region-search').hidden = !region;
  });
  $('region').addEventListener('click', () => drawing(!drawer.active));
  $('region-search').addEventListener('click', () => {
    const region = drawer.selection;
    drawing(false);
    if (region) go(paramsWith({ region: region.map((v) => v.toFixed(4)).join(',') }));
  });
  $('region-clear').addEventListener('click', () => go(paramsWith({ region: null })));
  $('use-indexed').addEventListener('click', () => {
    const p = paramsWith({ upload: null, region: null });
    p.set('similar', results[0].id);
    go(p);
  });
  // Enter in the results field submits the form: its change event already searched, so keep the page from
  // reloading (here, not in the markup: the Content-Security-Policy refuses inline handlers).
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  $('add-to-library').addEventListener('click', addToLibrary);
  $('k').addEventListener('change', () => go(paramsWith({ k: clampK($('k').value) }), { replace: true }));
  $('max').addEventListener('input', () => {
    const max = maxDistance();
    // the cut-off filters the results already fetched, so it only rewrites the URL: no new search, no history entry
    current = paramsWith({ max: max === null ? null : max.toFixed(2) });
    setUrl(current);
    renderResults();
  });
  arrowNavigation($('results'));
}

/**
 * Called by app.js before it shows ?upload: the file stays here, in memory only; `send` is what goes to the server
 * (the file downscaled in the browser, or the file itself).
 */
export function setUpload(file, send = file) {
  if (upload) URL.revokeObjectURL(upload.url);
  upload = { file, send, url: URL.createObjectURL(file) };
}

/** The results shown, for the viewer's ←/→. */
export function items() {
  const max = maxDistance();
  return results.filter((h) => max === null || h.distance <= max);
}

function clampK(value) {
  return Math.min(limit('k_max', 1000), Math.max(1, parseInt(value, 10) || limit('k_default', 20)));
}

function maxDistance() {
  const v = parseFloat($('max').value);
  return v >= 1 ? null : v;
}

/** The current query's parameters with some changed; null removes one. */
function paramsWith(changes) {
  const p = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) p.delete(key);
    else p.set(key, value);
  }
  return p;
}

/** The refine examples of the current URL. */
function examples(params) {
  return { more: params.getAll('more'), less: params.getAll('less') };
}

function regionOf(params) {
  const parts = (params.get('region') || '').split(',').map(Number);
  return parts.length === 4 && parts.every((v) => v >= 0 && v <= 1) && parts[2] > 0 && parts[3] > 0 ? parts : null;
}

export async function show(params) {
  current = params;
  const generation = ++queriesShown;
  results = [];
  queryBlob = null;
  $('k').value = clampK(params.get('k'));
  $('max').value = params.has('max') ? params.get('max') : 1;
  $('results').replaceChildren();
  $('summary').textContent = '';
  drawing(false);
  const id = params.get('similar');
  const region = regionOf(params);
  drawer.show(region);
  $('region-clear').hidden = !region;
  $('use-indexed').hidden = true;
  $('add-to-library').hidden = true;
  $('near-note').hidden = true;
  renderExamples(params);

  if (!id && !upload) {
    $('preview').removeAttribute('src');
    $('query-label').textContent = 'No query photo.';
    $('upload-note').hidden = false;
    fail('A photo from this device cannot be kept in a link: drop, paste or choose it again.');
    return;
  }
  $('upload-note').hidden = Boolean(id);
  $('preview').src = id ? thumbnailUrl(id) : upload.url;
  $('preview').alt = id ? 'Query: the indexed image' : 'Query: ' + (upload.file.name || 'pasted image');
  $('query-label').textContent = (region ? 'A region of ' : 'Query: ')
    + (id ? 'an indexed image' : 'a photo from this device' + (upload.file.name ? ' (' + upload.file.name + ')' : ''));
  if (id) labelIndexed(id, region, generation);
  // ?similar=ID&draw (the viewer's "Search a region"): start drawing at once, then the URL forgets the flag
  if (params.has('draw') && id) {
    current = paramsWith({ draw: null });
    setUrl(current);
    drawing(true);
  }
  await search(current, id, region, generation);
}

/** The query label names the indexed file: from its own record, as a refined or region search leaves it out. */
async function labelIndexed(id, region, generation) {
  const self = await imageInfo(id).catch(() => null);
  if (self && generation === queriesShown) {
    $('query-label').textContent = (region ? 'A region of ' : 'Query: ') + fileName(self.path);
    $('preview').alt = 'Query: ' + fileName(self.path);
  }
}

async function search(params, id, region, generation) {
  const { more, less } = examples(params);
  const k = clampK(params.get('k'));
  const query = new URLSearchParams({ k });
  // Without a region an indexed query is searched by stored vectors alone, refined by the examples (the API then
  // leaves the examples out of the results); a region or an upload is an image, searched as it is.
  if (id && !region) {
    query.append('id', id);
    for (const m of more) query.append('id', m);
    for (const l of less) query.append('not_id', l);
  }
  try {
    let body;
    if (id && !region) {
      body = await api('/api/search?' + query);
    } else {
      const source = id ? originalUrl(id) : upload.url;
      queryBlob = region ? await cropBlob(source, region, id ? thumbnailUrl(id) : null) : upload.send;
      body = await api('/api/search?' + query, { method: 'POST', body: formWith('image', queryBlob) });
    }
    if (generation !== queriesShown) return; // a newer query replaced this one while it ran
    results = body.results;
    $('summary').dataset.took = body.took_ms;
    const top = results[0];
    // An upload that is already in the library (top hit at distance ~0) can become an addressable query.
    $('use-indexed').hidden = Boolean(id) || region !== null || !top || top.distance > 0.001;
    $('add-to-library').hidden = Boolean(id) || region !== null || !$('use-indexed').hidden;
    if (!id && !region) nearDuplicates();
    renderResults();
  } catch (e) {
    if (generation !== queriesShown) return;
    results = [];
    renderResults();
    fail(e.message, e);
  }
}

// "Is this photo already in my library?": the results within the duplicate threshold (dedup's calibrated default,
// published by the server in /api/stats limits).
function nearDuplicates() {
  const DUPLICATE_THRESHOLD = limit('duplicate_threshold', 0.1);
  const near = results.filter((r) => r.distance <= DUPLICATE_THRESHOLD).length;
  $('near-note').textContent = near
    ? 'Probably in the library already: ' + near + ' indexed ' + (near === 1 ? 'image' : 'images') + ' within '
      + DUPLICATE_THRESHOLD + ', the duplicate threshold.'
    : 'Probably not in the library: nothing within ' + DUPLICATE_THRESHOLD + ', the duplicate threshold.';
  $('near-note').hidden = false;
}

function renderResults() {
  const max = maxDistance();
  $('max-out').textContent = max === null ? 'any' : max.toFixed(2);
  const shown = results.filter((h) => max === null || h.distance <= max);
  const hadFocus = document.activeElement === document.body || document.activeElement === null;
  $('results').replaceChildren(...shown.map(resultCard));
  const took = parseFloat($('summary').dataset.took);
  $('summary').textContent = shown.length + ' of ' + results.length + ' results, nearest first'
    + (took ? ' · ' + took.toFixed(1) + ' ms' : '');
  // Enter on a thumbnail replaced the grid under the focus: give the keyboard the first result to start from.
  if (hadFocus && shown.length) $('results').querySelector('.pick').focus({ preventScroll: true });
}

function resultCard(hit) {
  const { more, less } = examples(current);
  const isQuery = hit.id === current.get('similar');
  // Refining combines stored vectors, so it needs an indexed query (the API takes examples by id only).
  const refinable = current.has('similar') && !regionOf(current) && !isQuery;
  const actions = !refinable ? [] : [
    { label: '+', title: 'More like this', className: 'more', pressed: more.includes(hit.id), onClick: () => refine(hit.id, 'more') },
    { label: '−', title: 'Less like this', className: 'less', pressed: less.includes(hit.id), onClick: () => refine(hit.id, 'less') },
  ];
  actions.push({ label: 'why?', title: 'Explain this match', className: 'explain-toggle', onClick: (e) => explain(hit, e.target) });
  return card(hit, {
    onPick: (h) => openViewer(h),
    actions,
    badge: isQuery ? 'query' : null,
    extraClass: 'result',
  });
}

/** Adds an image as a positive or negative example (or takes it away when it already is one). */
function refine(id, kind) {
  const p = new URLSearchParams(current);
  const other = kind === 'more' ? 'less' : 'more';
  const had = p.getAll(kind).includes(id);
  for (const key of [kind, other]) {
    const keep = p.getAll(key).filter((v) => v !== id);
    p.delete(key);
    for (const v of keep) p.append(key, v);
  }
  if (!had) p.append(kind, id);
  go(p);
}

function renderExamples(params) {
  const { more, less } = examples(params);
  $('refine').hidden = more.length + less.length === 0;
  $('examples').replaceChildren(...[...more.map((id) => [id, 'more']), ...less.map((id) => [id, 'less'])].map(([id, kind]) => {
    const li = document.createElement('li');
    li.className = 'example ' + kind;
    li.dataset.id = id;
    const img = document.createElement('img');
    showThumbnail(img, thumbnailUrl(id));
    img.alt = kind === 'more' ? 'more like this example' : 'less like this example';
    const label = document.createElement('span');
    label.textContent = kind === 'more' ? 'more like' : 'less like';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.setAttribute('aria-label', 'Remove this ' + label.textContent + ' example');
    remove.addEventListener('click', () => refine(id, kind));
    li.append(img, label, remove);
    return li;
  }));
}

function drawing(on) {
  drawer.setActive(on);
  $('region').setAttribute('aria-pressed', String(on));
  $('region').textContent = on ? 'Cancel region' : 'Search a region…';
  $('region-help').hidden = !on;
  $('region-search').hidden = !on || !drawer.selection;
}

/** "Add to the library": the photo from this device (the original file, not the downscaled copy) stored and indexed. */
async function addToLibrary() {
  fail('');
  try {
    const body = await withToken('/api/images', { method: 'POST', body: formWith('image', upload.file) });
    if (!body) return;
    go(new URLSearchParams({ similar: body.id }));
  } catch (e) {
    fail(e.message, e);
  }
}

/** Esc while drawing a region cancels the drawing (and is used up); otherwise app.js goes back. */
export function escape() {
  if (!drawer.active) return false;
  drawing(false);
  drawer.show(regionOf(current));
  return true;
}

export function leave() {
  current = null;
  queriesShown++; // an answer still on its way is for a view no longer shown
  drawing(false);
}

// Explain: the distance split by the model's branches (DINO, CLIP, OpenCLIP for the ensemble), from stored vectors.
async function explain(hit, button) {
  const li = button.closest('li');
  const open = li.querySelector('.explain');
  if (open) { open.remove(); li.classList.remove('explaining'); button.setAttribute('aria-expanded', 'false'); return; }
  const panel = document.createElement('div');
  panel.className = 'explain';
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', 'Why ' + fileName(hit.path) + ' matches');
  panel.textContent = 'Measuring…';
  li.append(panel);
  li.classList.add('explaining');
  button.setAttribute('aria-expanded', 'true');
  try {
    panel.replaceChildren(...explanation(await distanceTo(hit)));
    panel.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    panel.textContent = 'Could not explain: ' + e.message;
  }
}

/**
 * The API's distance between the query and a result: by ids when the query is an indexed image (no model run);
 * else the query image is sent and the result named by id (its stored vector is used: one model run).
 */
async function distanceTo(hit) {
  const id = current.get('similar');
  if (id && !regionOf(current)) {
    return api('/api/distance?a=' + encodeURIComponent(id) + '&b=' + encodeURIComponent(hit.id));
  }
  return api('/api/distance?b=' + encodeURIComponent(hit.id), { method: 'POST', body: formWith('a', queryBlob) });
}

function explanation(body) {
  const total = document.createElement('p');
  total.className = 'total';
  total.textContent = 'Distance to the query image: ' + body.distance.toFixed(3);
  if (!body.branches || body.branches.length === 0) {
    const none = document.createElement('p');
    none.className = 'hint';
    none.textContent = 'This model records no branch layout, so there is no per-branch breakdown.';
    return [total, none];
  }
  const list = document.createElement('ul');
  list.className = 'branches';
  list.append(...body.branches.map((b) => {
    const row = document.createElement('li');
    row.className = 'branch';
    row.dataset.name = b.name;
    const head = document.createElement('div');
    head.className = 'branch-head';
    const name = document.createElement('strong');
    name.textContent = b.name;
    const value = document.createElement('span');
    value.className = 'branch-distance';
    value.textContent = b.distance.toFixed(3);
    // distances run 0..2; the bar shows the branch's share of that range
    const bar = document.createElement('meter');
    bar.min = 0; bar.max = 1; bar.value = Math.min(1, b.distance);
    bar.setAttribute('aria-label', b.name + ' distance');
    head.append(name, bar, value);
    const about = document.createElement('p');
    about.className = 'about';
    about.textContent = b.about + ' (dimensions ' + b.from + ' to ' + (b.to - 1) + ')';
    row.append(head, about);
    return row;
  }));
  const scale = document.createElement('p');
  scale.className = 'hint';
  scale.textContent = 'Each branch has its own scale: compare a branch across results, not with the total.';
  return [total, list, scale];
}
