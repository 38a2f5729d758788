// The viewer: one photo large, fitted to the window, over whatever grid or result list it was opened from.
// URL: the current view's URL plus view=ID, so a reload or a shared link opens the same photo over the same grid.
// ←/→ step through the list it was opened from (the URL is replaced, so Back closes the viewer, not each step);
// Esc or Close goes back. A larger thumbnail shows first, then the original once the browser has decoded it (an
// original the browser cannot decode, TIFF or HEIC, stays at the thumbnail's 1024 pixels).
import { $, imageInfo, originalUrl, thumbnailUrl } from './api.js';
import { fileName, formatBytes, formatDate } from './cards.js';

let go; // navigate(params, {replace}) from app.js
let list = () => []; // the items of the grid the viewer steps through
let shown = null; // the item shown
let loads = 0; // counts the images asked for: a late original of an earlier photo is dropped
let returnFocus = null; // what had the focus when the viewer opened

export function init({ navigate }) {
  go = navigate;
  const dialog = $('viewer');
  $('viewer-close').addEventListener('click', close);
  $('viewer-prev').addEventListener('click', () => step(-1));
  $('viewer-next').addEventListener('click', () => step(1));
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); }); // Esc
  dialog.addEventListener('keydown', (e) => {
    if (e.target.closest('input, select, textarea')) return;
    if (e.key === 'ArrowLeft') { e.preventDefault(); step(-1); }
    if (e.key === 'ArrowRight') { e.preventDefault(); step(1); }
  });
  // a click on the dimmed backdrop (the dialog itself, outside its content) closes too
  dialog.addEventListener('click', (e) => { if (e.target === dialog) close(); });
  $('viewer-similar').addEventListener('click', () => leaveFor(new URLSearchParams({ similar: shown.id })));
  $('viewer-region').addEventListener('click', () => leaveFor(new URLSearchParams({ similar: shown.id, draw: '' })));
  $('viewer-folder').addEventListener('click', () => {
    const p = new URLSearchParams();
    const folder = folderOf(shown);
    if (folder) p.set('folder', folder); // "": the library folder itself, so the whole library
    leaveFor(p);
  });
}

/** The current view's URL without the viewer: what closing it returns to. */
function baseParams() {
  const p = new URLSearchParams(location.search);
  p.delete('view');
  return p;
}

/** Opens the viewer on `item` (a history entry: Back closes it). */
export function open(item) {
  returnFocus = document.activeElement;
  const p = new URLSearchParams(location.search);
  p.set('view', item.id);
  go(p);
}

/**
 * Called by app.js after each render: shows the photo named by `view=ID` (looked up in `items()`, the grid on
 * screen, or else fetched alone), or closes the viewer when the URL names none.
 */
export async function sync(id, items) {
  list = items;
  const dialog = $('viewer');
  if (!id) {
    if (dialog.open) {
      dialog.close();
      restoreFocus();
    }
    shown = null;
    return;
  }
  let item = list().find((x) => x.id === id);
  if (!item) item = (await imageInfo(id).catch(() => null)) || { id, path: id, missing: true };
  if (new URLSearchParams(location.search).get('view') !== id) return; // moved on meanwhile
  show(item);
  if (!dialog.open) {
    if (!returnFocus || returnFocus === document.body) returnFocus = document.activeElement;
    dialog.showModal();
  }
  $('viewer-close').focus({ preventScroll: true });
}

function show(item) {
  shown = item;
  const name = fileName(item.path);
  $('viewer-title').textContent = name;
  const img = $('viewer-image');
  const load = ++loads;
  img.alt = name;
  img.classList.remove('thumb-failed');
  img.src = thumbnailUrl(item.id) + '?size=1024';
  // then the original, swapped in only once decoded (no flash of a half-loaded image)
  const original = new Image();
  original.src = originalUrl(item.id);
  original.decode().then(() => { if (load === loads) img.src = original.src; }, () => {});
  img.onerror = () => { if (load === loads) { img.classList.add('thumb-failed'); img.removeAttribute('src'); } };
  $('viewer-original').href = originalUrl(item.id);
  $('viewer-original').setAttribute('aria-label', 'Open the original of ' + name);
  renderFacts(item);
  const items = list();
  const at = items.findIndex((x) => x.id === item.id);
  $('viewer-prev').disabled = at <= 0;
  $('viewer-next').disabled = at < 0 || at >= items.length - 1;
  $('viewer-position').textContent = at < 0 ? '' : (at + 1) + ' of ' + items.length;
  $('viewer-folder').hidden = Boolean(item.missing) || (item.folder == null && !folderOf(item));
}

/** The facts shown: only those the record has (a photo without EXIF has no capture date or camera). */
function renderFacts(item) {
  const camera = [item.camera_make, item.camera_model].filter(Boolean).join(' ');
  const facts = [
    ['Captured', formatTaken(item.taken_at), 'taken'],
    ['File date', formatDate(item.mtime ?? item.modified), 'modified'],
    ['Dimensions', item.width ? item.width + ' × ' + item.height : null, 'dimensions'],
    ['File size', formatBytes(item.size ?? item.bytes) || null, 'size'],
    ['Format', item.format ? String(item.format).toUpperCase() : null, 'format'],
    ['Camera', camera || null, 'camera'],
    ['Folder', item.folder === '' ? 'the library folder' : folderOf(item) || null, 'folder'],
  ];
  const dl = $('viewer-facts');
  dl.replaceChildren();
  for (const [label, value, key] of facts) {
    if (!value) continue;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.className = 'fact-' + key;
    dd.textContent = value;
    dl.append(dt, dd);
  }
  if (item.missing) {
    const dd = document.createElement('dd');
    dd.textContent = 'This image is no longer in the library.';
    dl.append(dd);
  }
}

/**
 * The capture date as the file states it (`2019-05-01T10:00:00`, with an offset when known): shown in the
 * photo's own local time, never shifted to the browser's time zone.
 */
export function formatTaken(taken) {
  if (!taken) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(.*)$/.exec(taken);
  if (!m) return taken;
  const local = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)));
  const text = local.toLocaleString(undefined, { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
  const offset = m[7] && m[7] !== 'Z' ? ' (UTC' + m[7].replace(/^([+-]\d{2}):?(\d{2}).*/, '$1:$2') + ')' : '';
  return text + offset;
}

/** The folder the photo is in: the server's `folder` (relative to a library root) when it gives one, else its path's. */
export function folderOf(item) {
  if (item.folder != null) return item.folder;
  if (!item.path || item.missing) return '';
  const cut = Math.max(item.path.lastIndexOf('/'), item.path.lastIndexOf('\\'));
  return cut > 0 ? item.path.slice(0, cut + 1) : '';
}

function step(delta) {
  const items = list();
  const at = items.findIndex((x) => x.id === shown.id);
  const next = items[at + delta];
  if (at < 0 || !next) return;
  const p = new URLSearchParams(location.search);
  p.set('view', next.id);
  go(p, { replace: true });
}

/** Closes the viewer: Back when it was opened from this page (so Forward reopens it), else the URL without it. */
export function close() {
  if (history.state && history.state.depth > 0 && history.state.viewer) history.back();
  else go(baseParams(), { replace: true });
}

/** Leaves the viewer for another view: that view takes the viewer's place in history, so Back skips the viewer. */
function leaveFor(params) {
  $('viewer').close();
  returnFocus = null;
  go(params, { replace: Boolean(history.state && history.state.viewer) });
}

/** The focus goes back to the photo's card in the grid (the one last shown, after ←/→), else where it was. */
function restoreFocus() {
  const card = shown && document.querySelector('main li[data-id="' + CSS.escape(shown.id) + '"] .pick');
  const target = card && card.offsetParent ? card : returnFocus;
  if (target && target.isConnected) {
    target.focus({ preventScroll: false });
    if (card) card.scrollIntoView({ block: 'nearest' });
  }
  returnFocus = null;
}
