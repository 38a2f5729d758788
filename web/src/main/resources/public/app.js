// The page: plain ES modules, no build step, talking only to this server's /api.
// This module owns the URL: every view is a query string (see docs/web-page.md), so back/forward, reload and
// sharing a link work; the views render themselves from the URL's parameters.
import { $, api, server, writesEnabled, quarantineEnabled } from './api.js';
import * as browse from './browse.js';
import * as similar from './similar.js';
import * as duplicates from './duplicates.js';
import * as quarantineView from './quarantine.js';
import * as viewer from './viewer.js';
import { prepareUpload } from './upload.js';

const views = { browse, similar, dups: duplicates, quarantine: quarantineView };

/** Which view a URL shows: ?duplicates, ?quarantine, ?similar=ID or ?upload, else the library. */
function viewOf(params) {
  if (params.has('duplicates')) return 'dups';
  if (params.has('quarantine')) return 'quarantine';
  if (params.has('similar') || params.has('upload')) return 'similar';
  return 'browse';
}

/** The URL for a set of parameters; a bare flag such as `duplicates` is written without "=". */
function urlOf(params) {
  const text = params.toString().replace(/(^|&)(duplicates|quarantine|upload|draw)=(?=&|$)/g, '$1$2');
  return text ? '/?' + text : '/';
}

/** Goes to a new state: a history entry (so Back returns here), unless `replace` (a refinement of the same view). */
export function navigate(params, { replace = false } = {}) {
  const url = urlOf(params);
  // a new state is shown anew, even at the same URL (a second upload is ?upload too); only opening, stepping or
  // closing the viewer keeps the view under it as it is
  const before = new URLSearchParams(location.search);
  const viewerOnly = before.get('view') !== params.get('view') && withoutView(before) === withoutView(params);
  if (!viewerOnly) shownKey = null;
  const depth = (history.state && history.state.depth) || 0;
  // the entry being left remembers which photo had the focus, so Back or Esc returns the focus to it
  if (!replace) history.replaceState({ ...history.state, focus: focusedCard() }, '');
  // `viewer`: this entry was reached by opening the viewer from the page, so closing it can be a Back
  const opened = params.has('view') && (replace ? Boolean(history.state && history.state.viewer) : true);
  if (replace) history.replaceState({ depth, viewer: opened }, '', url);
  else history.pushState({ depth: depth + 1, viewer: opened }, '', url);
  render();
}

/** The id of the card whose thumbnail has the focus (or, with the viewer open, the photo it shows). */
function focusedCard() {
  const view = new URLSearchParams(location.search).get('view');
  if (view) return view;
  const li = document.activeElement && document.activeElement.closest('main li[data-id]');
  return li ? li.dataset.id : null;
}

/** Back on an entry that remembers a focused photo: the focus goes to its card again, once the view has it. */
function restoreFocus() {
  const id = history.state && history.state.focus;
  if (!id || new URLSearchParams(location.search).has('view')) return;
  const pick = document.querySelector('main section.view:not([hidden]) li[data-id="' + CSS.escape(id) + '"] .pick');
  if (pick) {
    pick.focus({ preventScroll: true });
    pick.scrollIntoView({ block: 'nearest' });
  }
}

function withoutView(params) {
  const p = new URLSearchParams(params);
  p.delete('view');
  return p.toString();
}

/** Rewrites the current URL without a history entry or a new render (a view's own small adjustments). */
function setUrl(params) {
  history.replaceState(history.state, '', urlOf(params));
  const base = new URLSearchParams(params);
  base.delete('view');
  shownKey = viewOf(params) + '?' + base; // the view on screen already shows this URL: no new render for it
}

let failedWhileOffline = false; // an error shown because the server was down: cleared, and the view redone, when it is back

/** Shows a message in plain words; one caused by an unreachable server goes away by itself when the server is back. */
export function showError(message, error) {
  $('error').textContent = message || '';
  $('error').hidden = !message;
  failedWhileOffline = Boolean(message && error && error.offline);
  if (failedWhileOffline) checkSoon();
}

let shownKey = null; // the view and URL (without view=ID) last rendered: opening the viewer does not redo the grid

async function render() {
  const params = new URLSearchParams(location.search);
  const name = viewOf(params);
  const base = new URLSearchParams(params);
  base.delete('view');
  const key = name + '?' + base;
  if (key !== shownKey) {
    shownKey = key;
    showError('');
    for (const [k, view] of Object.entries(views)) {
      $(k).hidden = k !== name;
      if (k !== name && view.leave) view.leave();
    }
    for (const [tab, view] of [['tab-browse', 'browse'], ['tab-dups', 'dups'], ['tab-quarantine', 'quarantine']]) {
      if (view === name) $(tab).setAttribute('aria-current', 'page');
      else $(tab).removeAttribute('aria-current');
    }
    // the title names the view: it is what history menus, tabs and screen readers show
    document.title = { browse: 'Library', similar: 'Similar images', dups: 'Duplicates', quarantine: 'Quarantine' }[name]
      + ' · DreamSim search';
    await views[name].show(base);
    restoreFocus();
  }
  if (shownKey === key) viewer.sync(params.get('view'), () => (views[name].items ? views[name].items() : []));
}

/** Redoes the view on screen (the server came back, or the library grew): the viewer stays as it is. */
function rerender() {
  shownKey = null;
  render();
}

// Status line: library size, model, device, background indexing progress. It is also how the page learns what the
// server allows (writes, quarantine) and when the server is back after being down.
let lastImages = null;
let offline = false;
let statusTimer = null;
const POLL_MS = 3000;
const OFFLINE_POLL_MS = 2000;

async function refreshStatus() {
  statusTimer = null;
  try {
    const s = await api('/api/stats');
    const firstAnswer = server.stats === null;
    server.stats = s;
    let text = s.images.toLocaleString() + ' images · model ' + s.model.name + ' (' + s.model.dimensions + '-d) · ' + s.device;
    if (s.read_only) text += ' · read-only';
    else if (!writesEnabled()) text += ' · view only';
    const ix = s.indexing;
    if (ix && ix.running) text += ' · indexing ' + ix.done.toLocaleString() + '/' + ix.total.toLocaleString() + (ix.counting ? '+' : '');
    else if (ix && ix.last_run) text += ' · library indexed';
    $('status').textContent = text;
    $('status').classList.remove('offline');
    const wasOffline = offline;
    offline = false;
    if (firstAnswer) applyCapabilities();
    if (wasOffline || failedWhileOffline) {
      // back: the error goes, and the view asks again for what failed
      showError('');
      rerender();
    } else if (lastImages !== null && s.images !== lastImages) {
      // background indexing (or another client) changed the library: the grids on screen show it
      for (const view of Object.values(views)) if (view.libraryChanged) view.libraryChanged(s.images);
    }
    lastImages = s.images;
  } catch (e) {
    offline = Boolean(e.offline) || e.status >= 502;
    $('status').textContent = offline ? 'Server unreachable: retrying…' : 'Status unavailable: ' + e.message;
    $('status').classList.toggle('offline', offline);
  }
  schedule();
}

/** The next status poll: none while the tab is hidden (it resumes when the tab is shown again). */
function schedule(ms) {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = null;
  if (document.hidden) return;
  statusTimer = setTimeout(refreshStatus, ms ?? (offline || failedWhileOffline ? OFFLINE_POLL_MS : POLL_MS));
}

function checkSoon() {
  if (!document.hidden) schedule(OFFLINE_POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) schedule(); // clears the timer
  else refreshStatus();
});

/** Hides what this server cannot do: no write controls (and no token asked) on a server that takes no writes. */
function applyCapabilities() {
  document.body.classList.toggle('no-writes', !writesEnabled());
  document.body.classList.toggle('no-quarantine', !quarantineEnabled());
  $('tab-quarantine').hidden = !quarantineEnabled();
  const add = server.stats.writes && server.stats.writes.add_to_library;
  document.body.classList.toggle('can-add', Boolean(add));
  for (const view of Object.values(views)) if (view.capabilities) view.capabilities();
}

// Links inside the page (header tabs, title) change the view without reloading it.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="/"]');
  if (!a || a.target || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  if (a.pathname !== '/') return; // the API's own URLs (originals) open normally
  e.preventDefault();
  navigate(new URLSearchParams(a.search));
});

// Esc goes back: out of a dialog or region drawing first (their own handlers), else to the previous view.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
  if (views.dups.escape && !$('dups').hidden && views.dups.escape()) return;
  if (views.similar.escape && !$('similar').hidden && views.similar.escape()) return;
  if (viewOf(new URLSearchParams(location.search)) === 'browse') return;
  if (history.state && history.state.depth > 0) history.back();
  else navigate(new URLSearchParams(), { replace: true });
});

// A photo dropped anywhere, pasted, or picked searches by upload (the similar view then shows it as the query).
async function searchByFile(file) {
  if (!file) return; // any file is sent: the server decides, and names the file and reason when it refuses it
  similar.setUpload(file, await prepareUpload(file));
  navigate(new URLSearchParams('upload'));
}

/**
 * A dropped link: an indexed image's own URL (a thumbnail or original dragged from this page) becomes a search by
 * its id; another address on this server is fetched and searched as a photo; any other site is refused with a
 * reason (the page does not fetch other sites' images on anyone's behalf, and their servers would refuse it anyway).
 */
async function searchByLink(text) {
  let url;
  try {
    url = new URL(text.trim().split(/\s+/)[0], location.href);
  } catch (e) {
    showError('The dropped text is not a link to a photo. Drop a photo file, or a photo from this page.');
    return;
  }
  if (url.origin !== location.origin) {
    showError('Photos from other sites (' + url.host + ') cannot be searched by their link. '
      + 'Save the photo to this device, then drop the file here.');
    return;
  }
  const indexed = /^\/api\/images\/([^/]+)(\/thumbnail)?$/.exec(url.pathname);
  if (indexed) {
    navigate(new URLSearchParams({ similar: decodeURIComponent(indexed[1]) }));
    return;
  }
  try {
    const response = await fetch(url);
    const blob = await response.blob();
    if (!response.ok || !blob.type.startsWith('image/')) throw new Error('not an image');
    searchByFile(new File([blob], url.pathname.split('/').pop() || 'dropped-image', { type: blob.type }));
  } catch (e) {
    showError('The dropped link ' + url.pathname + ' is not a photo on this server.');
  }
}
$('file').addEventListener('change', (e) => { searchByFile(e.target.files[0]); e.target.value = ''; });
document.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) $('drop').classList.remove('over'); });
document.addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  if (e.dataTransfer.files.length) searchByFile(e.dataTransfer.files[0]);
  else {
    const link = e.dataTransfer.getData('text/uri-list') || e.dataTransfer.getData('text/plain');
    if (link) searchByLink(link);
    else showError('Nothing to search in what was dropped: drop a photo file.');
  }
});
$('drop').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); }
});
document.addEventListener('paste', (e) => {
  const item = [...e.clipboardData.items].find((i) => i.type.startsWith('image/'));
  if (item) searchByFile(item.getAsFile());
});

window.addEventListener('popstate', render);
for (const view of [...Object.values(views), viewer]) view.init({ navigate, setUrl, showError, openViewer: viewer.open });
if (!history.state) history.replaceState({ depth: 0 }, '', location.href);
refreshStatus().then(render);
