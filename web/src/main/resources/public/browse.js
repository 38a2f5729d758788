// The library view: a page of thumbnails at a time, by capture date (newest first) with month headers by default,
// filtered by a folder picked in the library's folder tree.
// URL: /?sort=taken_oldest&folder=2024/summer&page=3&page_size=60 (each optional); "Next" adds after=CURSOR, the
// answer's `next`, so the following page costs the server the same at any depth (page then only numbers it).
import { $, api, limit } from './api.js';
import { arrowNavigation, card } from './cards.js';

const PAGE_SIZE = 60; // thumbnails a page unless the URL or the server's limits say otherwise
const DEFAULT_SORT = 'taken';
let go; // navigate(params) from app.js
let fail; // showError(message) from app.js
let openViewer;
let current = null; // the parameters of the page shown, to step from
let nextCursor = null; // the shown page's `next`: where the following page starts
let images = []; // the page's images, for the viewer's ←/→
let folders = null; // the folder tree, fetched once per library size

export function init({ navigate, showError, openViewer: opener }) {
  go = navigate;
  fail = showError;
  openViewer = opener;
  $('sort').addEventListener('change', () => go(paramsWith({ sort: $('sort').value, page: null, after: null })));
  $('folder-clear').addEventListener('click', () => go(paramsWith({ folder: null, page: null, after: null })));
  $('prev').addEventListener('click', () => go(paramsWith({ page: pageOf(current) - 1, after: null })));
  $('next').addEventListener('click', () => go(paramsWith({ page: pageOf(current) + 1, after: nextCursor })));
  $('folders-toggle').addEventListener('click', () => {
    const open = $('folder-tree').hidden;
    $('folder-tree').hidden = !open;
    $('folders-toggle').setAttribute('aria-expanded', String(open));
    if (open) loadFolders();
  });
  arrowNavigation($('library'));
}

function pageOf(params) {
  return Math.max(1, parseInt(params.get('page'), 10) || 1);
}

/** The current parameters with some changed; null or '' removes one, and defaults are left out of the URL. */
function paramsWith(changes) {
  const p = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '' || (key === 'sort' && value === DEFAULT_SORT) || (key === 'page' && value <= 1)) p.delete(key);
    else p.set(key, value);
  }
  return p;
}

export function items() {
  return images;
}

export async function show(params, { quiet = false } = {}) {
  current = params;
  const page = pageOf(params);
  const sort = params.get('sort') || DEFAULT_SORT;
  const folder = params.get('folder') || '';
  $('sort').value = sort;
  $('folder-name').textContent = folder ? folder : 'All folders';
  $('folder-clear').hidden = !folder;
  markFolder(folder);
  if (!quiet) $('browse-summary').textContent = 'Loading…';
  const pageSize = Math.min(limit('page_size_max', 500), Math.max(1, parseInt(params.get('page_size'), 10) || limit('page_size_default', PAGE_SIZE)));
  const query = new URLSearchParams({ page, page_size: pageSize, sort });
  // a folder from the tree is relative to a library root; an absolute one (an older link) is a path prefix
  if (folder) query.set(folder.startsWith('/') || /^[A-Za-z]:\\/.test(folder) ? 'path_prefix' : 'folder', folder);
  if (params.get('after')) query.set('after', params.get('after'));
  try {
    const body = await api('/api/images?' + query);
    if (current !== params) return; // the person moved on while this page loaded
    renderPage(body, folder, sort);
  } catch (e) {
    if (current !== params) return;
    $('browse-summary').textContent = '';
    if (!quiet) {
      images = [];
      $('library').replaceChildren();
    }
    fail(e.message, e);
  }
}

/** The library's size changed (background indexing added or removed images): the page shown is fetched again. */
export function libraryChanged() {
  folders = null;
  if (!$('folder-tree').hidden) loadFolders();
  if (current && !$('browse').hidden) show(current, { quiet: true });
}

function renderPage(body, folder, sort) {
  const pages = Math.max(1, Math.ceil(body.total / body.page_size));
  const first = body.total === 0 ? 0 : (body.page - 1) * body.page_size + 1;
  const last = (body.page - 1) * body.page_size + body.images.length;
  $('browse-summary').textContent = body.total === 0
    ? (folder ? 'No indexed images in ' + folder + '.' : 'The library is empty: index a folder, or drop a photo to search.')
    : 'Images ' + first.toLocaleString() + '–' + last.toLocaleString() + ' of ' + body.total.toLocaleString()
      + (folder ? ' in ' + folder : '') + '.';
  images = body.images;
  // the focus stays on the photo it was on when the page is redone under it (a refresh while indexing)
  const focused = document.activeElement && document.activeElement.closest('#library li[data-id]');
  const focusedId = focused ? focused.dataset.id : null;
  const byDate = sort === 'taken' || sort === 'taken_oldest';
  const children = [];
  let heading = null;
  for (const item of images) {
    if (byDate) {
      const month = monthOf(item.taken_at);
      if (month !== heading) {
        heading = month;
        children.push(dateHeader(month));
      }
    }
    children.push(card(item, { onPick: (it) => openViewer(it) }));
  }
  $('library').replaceChildren(...children);
  if (focusedId) {
    const again = $('library').querySelector('li[data-id="' + CSS.escape(focusedId) + '"] .pick');
    if (again) again.focus({ preventScroll: true });
  }
  $('page-info').textContent = 'Page ' + body.page + ' of ' + pages;
  document.querySelector('#browse .pager').hidden = pages <= 1 && body.page <= 1;
  $('prev').disabled = body.page <= 1;
  nextCursor = body.next;
  $('next').disabled = !body.next;
}

/** "May 2019" from a capture date as the file states it (no time-zone shift); "No capture date" without one. */
function monthOf(taken) {
  const m = /^(\d{4})-(\d{2})/.exec(taken || '');
  if (!m) return 'No capture date';
  return new Date(Date.UTC(+m[1], +m[2] - 1, 1)).toLocaleString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function dateHeader(text) {
  const li = document.createElement('li');
  li.className = 'date-head';
  const h = document.createElement('h3');
  h.textContent = text;
  li.append(h);
  return li;
}

// The folder tree: the library's folders under each root, with how many images each holds (all below it).
async function loadFolders() {
  if (folders) return;
  $('folder-tree').replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Loading folders…' }));
  try {
    const body = await api('/api/folders');
    folders = body.roots;
    const list = document.createElement('ul');
    list.className = 'tree';
    list.setAttribute('role', 'tree');
    list.setAttribute('aria-label', 'Folders');
    list.append(...folders.map((root) => folderNode(root, true)));
    $('folder-tree').replaceChildren(list);
    markFolder((current && current.get('folder')) || '');
  } catch (e) {
    $('folder-tree').replaceChildren(Object.assign(document.createElement('p'), {
      className: 'hint', textContent: 'The folders could not be listed: ' + e.message }));
  }
}

function folderNode(node, isRoot) {
  const li = document.createElement('li');
  li.setAttribute('role', 'treeitem');
  const children = node.children || [];
  li.setAttribute('aria-expanded', String(isRoot || children.length === 0 ? true : false));
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'folder';
  b.dataset.folder = node.folder ?? '';
  b.textContent = (node.name || node.path || 'Library') + ' ';
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = (node.count ?? 0).toLocaleString();
  b.append(count);
  b.setAttribute('aria-label', (node.name || node.path || 'Library') + ', ' + (node.count ?? 0) + ' images');
  // a folder is named relative to its library folder ("" the library folder itself: the whole library)
  b.addEventListener('click', () => go(paramsWith({ folder: node.folder || null, page: null, after: null })));
  li.append(b);
  if (children.length) {
    if (!isRoot) {
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'twisty';
      toggle.textContent = '▸';
      toggle.setAttribute('aria-label', 'Show the folders in ' + (node.name || node.path));
      li.setAttribute('aria-expanded', 'false');
      toggle.addEventListener('click', () => {
        const open = li.getAttribute('aria-expanded') !== 'true';
        li.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? '▾' : '▸';
      });
      li.prepend(toggle);
    }
    const ul = document.createElement('ul');
    ul.setAttribute('role', 'group');
    ul.append(...children.map((c) => folderNode(c, false)));
    li.append(ul);
  }
  return li;
}

/** Marks the folder shown in the tree, and opens the branches down to it. */
function markFolder(folder) {
  for (const b of document.querySelectorAll('#folder-tree button.folder')) {
    const here = b.dataset.folder === folder;
    if (here) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
    if (here) {
      for (let li = b.closest('li').parentElement.closest('li'); li; li = li.parentElement.closest('li')) {
        li.setAttribute('aria-expanded', 'true');
        const t = li.querySelector(':scope > .twisty');
        if (t) t.textContent = '▾';
      }
    }
  }
}

export function leave() {
  current = null;
}
