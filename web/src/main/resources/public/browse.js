// The library view: a page of thumbnails at a time, newest first by default, filtered by a folder (path prefix).
// URL: /?sort=oldest&folder=/photos/2024&page=3&page_size=60 (each optional); "Next" adds after=CURSOR, the answer's
// `next`, so the following page costs the server the same at any depth (page then only numbers it).
import { $, api } from './api.js';
import { arrowNavigation, card } from './cards.js';

const PAGE_SIZE = 60; // thumbnails a page unless the URL says otherwise (page_size, 1..500)
let go; // navigate(params) from app.js
let fail; // showError(message) from app.js
let current = null; // the parameters of the page shown, to step from
let nextCursor = null; // the shown page's `next`: where the following page starts

export function init({ navigate, showError }) {
  go = navigate;
  fail = showError;
  $('browse-controls').addEventListener('submit', (e) => {
    e.preventDefault();
    go(paramsWith({ folder: $('folder').value.trim(), page: null, after: null }));
  });
  $('sort').addEventListener('change', () => go(paramsWith({ sort: $('sort').value, page: null, after: null })));
  $('folder-clear').addEventListener('click', () => go(paramsWith({ folder: null, page: null, after: null })));
  $('prev').addEventListener('click', () => go(paramsWith({ page: pageOf(current) - 1, after: null })));
  $('next').addEventListener('click', () => go(paramsWith({ page: pageOf(current) + 1, after: nextCursor })));
  arrowNavigation($('library'));
}

function pageOf(params) {
  return Math.max(1, parseInt(params.get('page'), 10) || 1);
}

/** The current parameters with some changed; null or '' removes one, and defaults are left out of the URL. */
function paramsWith(changes) {
  const p = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '' || (key === 'sort' && value === 'newest') || (key === 'page' && value <= 1)) p.delete(key);
    else p.set(key, value);
  }
  return p;
}

export async function show(params) {
  current = params;
  const page = pageOf(params);
  const sort = params.get('sort') || 'newest';
  const folder = params.get('folder') || '';
  $('sort').value = sort;
  $('folder').value = folder;
  $('folder-clear').hidden = !folder;
  $('browse-summary').textContent = 'Loading…';
  const pageSize = Math.min(500, Math.max(1, parseInt(params.get('page_size'), 10) || PAGE_SIZE));
  const query = new URLSearchParams({ page, page_size: pageSize, sort });
  if (folder) query.set('path_prefix', folder);
  if (params.get('after')) query.set('after', params.get('after'));
  try {
    const body = await api('/api/images?' + query);
    if (current !== params) return; // the person moved on while this page loaded
    renderPage(body, folder);
  } catch (e) {
    if (current !== params) return;
    $('browse-summary').textContent = '';
    $('library').replaceChildren();
    fail(e.message);
  }
}

function renderPage(body, folder) {
  const pages = Math.max(1, Math.ceil(body.total / body.page_size));
  const first = body.total === 0 ? 0 : (body.page - 1) * body.page_size + 1;
  const last = (body.page - 1) * body.page_size + body.images.length;
  $('browse-summary').textContent = body.total === 0
    ? (folder ? 'No indexed images under ' + folder + '.' : 'The library is empty: index a folder, or drop a photo to search.')
    : 'Images ' + first.toLocaleString() + '–' + last.toLocaleString() + ' of ' + body.total.toLocaleString()
      + (folder ? ' under ' + folder : '') + '.';
  $('library').replaceChildren(...body.images.map((item) => card(item, {
    onPick: (it) => go(new URLSearchParams({ similar: it.id })),
  })));
  $('page-info').textContent = 'Page ' + body.page + ' of ' + pages;
  document.querySelector('#browse .pager').hidden = pages <= 1 && body.page <= 1;
  $('prev').disabled = body.page <= 1;
  nextCursor = body.next;
  $('next').disabled = !body.next;
}

export function leave() {
  current = null;
}
