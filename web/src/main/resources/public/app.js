// The page: plain ES modules, no build step, talking only to this server's /api.
// This module owns the URL: every view is a query string (see docs/web-page.md), so back/forward, reload and
// sharing a link work; the views render themselves from the URL's parameters.
import { $, api } from './api.js';
import * as browse from './browse.js';
import * as similar from './similar.js';
import * as duplicates from './duplicates.js';

const views = { browse, similar, dups: duplicates };

/** Which view a URL shows: ?duplicates, ?similar=ID or ?upload, else the library. */
function viewOf(params) {
  if (params.has('duplicates')) return 'dups';
  if (params.has('similar') || params.has('upload')) return 'similar';
  return 'browse';
}

/** The URL for a set of parameters; a bare flag such as `duplicates` is written without "=". */
function urlOf(params) {
  const text = params.toString().replace(/(^|&)(duplicates|upload)=(?=&|$)/g, '$1$2');
  return text ? '/?' + text : '/';
}

/** Goes to a new state: a history entry (so Back returns here), unless `replace` (a refinement of the same view). */
export function navigate(params, { replace = false } = {}) {
  const url = urlOf(params);
  const depth = (history.state && history.state.depth) || 0;
  if (replace) history.replaceState({ depth }, '', url);
  else history.pushState({ depth: depth + 1 }, '', url);
  render();
}

/** Rewrites the current URL without a history entry or a new render (a view's own small adjustments). */
function setUrl(params) {
  history.replaceState(history.state, '', urlOf(params));
}

export function showError(message) {
  $('error').textContent = message || '';
  $('error').hidden = !message;
}

function render() {
  const params = new URLSearchParams(location.search);
  const name = viewOf(params);
  showError('');
  for (const [key, view] of Object.entries(views)) {
    const el = $(key);
    el.hidden = key !== name;
    if (key !== name && view.leave) view.leave();
  }
  for (const [tab, view] of [['tab-browse', 'browse'], ['tab-dups', 'dups']]) {
    if (view === name) $(tab).setAttribute('aria-current', 'page');
    else $(tab).removeAttribute('aria-current');
  }
  // the title names the view: it is what history menus, tabs and screen readers show
  document.title = { browse: 'Library', similar: 'Similar images', dups: 'Duplicates' }[name] + ' · DreamSim search';
  views[name].show(params);
}

// Status line: library size, model, device, background indexing progress.
async function refreshStatus() {
  try {
    const s = await api('/api/stats');
    let text = s.images.toLocaleString() + ' images · model ' + s.model.name + ' (' + s.model.dimensions + '-d) · ' + s.device;
    if (s.read_only) text += ' · read-only';
    const ix = s.indexing;
    if (ix && ix.running) text += ' · indexing ' + ix.done.toLocaleString() + '/' + ix.total.toLocaleString() + (ix.counting ? '+' : '');
    else if (ix && ix.last_run) text += ' · library indexed';
    $('status').textContent = text;
  } catch (e) {
    $('status').textContent = 'Server unreachable: ' + e.message;
  }
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
function searchByFile(file) {
  if (!file) return; // any file is sent: the server decides, and names the file and reason when it refuses it
  similar.setUpload(file);
  navigate(new URLSearchParams('upload'));
}
$('file').addEventListener('change', (e) => { searchByFile(e.target.files[0]); e.target.value = ''; });
document.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) $('drop').classList.remove('over'); });
document.addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  searchByFile(e.dataTransfer.files[0]);
});
$('drop').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); }
});
document.addEventListener('paste', (e) => {
  const item = [...e.clipboardData.items].find((i) => i.type.startsWith('image/'));
  if (item) searchByFile(item.getAsFile());
});

window.addEventListener('popstate', render);
for (const view of Object.values(views)) view.init({ navigate, setUrl, showError });
if (!history.state) history.replaceState({ depth: 0 }, '', location.href);
render();
refreshStatus();
setInterval(refreshStatus, 3000);
