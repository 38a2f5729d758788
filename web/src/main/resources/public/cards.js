// One thumbnail card, used by every grid (library, results, duplicate groups), and arrow-key moves between cards.
import { originalUrl, thumbnailUrl } from './api.js';
import { showThumbnail } from './thumbnails.js';

export function fileName(path) {
  return path.split(/[\\/]/).pop();
}

export function formatBytes(n) {
  if (n == null) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

/** A date from the API's mtime, whether epoch seconds, epoch milliseconds or ISO text; null when absent. */
export function formatDate(mtime) {
  if (mtime == null) return null;
  let date;
  if (typeof mtime === 'number') date = new Date(mtime < 1e11 ? mtime * 1000 : mtime);
  else date = new Date(mtime);
  return isNaN(date) ? null : date.toLocaleString();
}

/**
 * A card: the thumbnail is a button (click or Enter = open it in the viewer), then a line of small actions.
 * `item` is any API image object (id, path, width, height, and distance for results).
 * `actions`: [{label, title, className, onClick, pressed}] shown under the thumbnail.
 */
export function card(item, { onPick, actions = [], badge = null, extraClass = '', gone = false } = {}) {
  const li = document.createElement('li');
  li.className = ('card ' + extraClass).trim();
  li.dataset.id = item.id;
  const name = fileName(item.path);
  const hasDistance = typeof item.distance === 'number';
  if (hasDistance) li.dataset.distance = item.distance;

  const pick = document.createElement('button');
  pick.type = 'button';
  pick.className = 'pick';
  pick.title = gone ? name + ' is in quarantine' : 'View ' + name;
  pick.setAttribute('aria-label', (gone ? name + ', in quarantine' : 'View ' + name)
    + (hasDistance ? ', distance ' + item.distance.toFixed(3) : ''));
  const img = document.createElement('img');
  img.loading = 'lazy'; // a page of 60 should not fetch 60 thumbnails before the first screen shows
  img.decoding = 'async';
  img.alt = name;
  // a file moved to quarantine is no longer served: its card keeps the placeholder, never a broken image or link
  if (gone) { pick.disabled = true; img.classList.add('thumb-failed'); } else showThumbnail(img, item.thumbnail || thumbnailUrl(item.id));
  if (item.width && item.height) { img.width = item.width; img.height = item.height; }
  pick.append(img);
  if (onPick && !gone) pick.addEventListener('click', () => onPick(item));

  const meta = document.createElement('div');
  meta.className = 'meta';
  if (hasDistance) {
    const dist = document.createElement('span');
    dist.className = 'distance';
    dist.textContent = item.distance.toFixed(3);
    dist.title = 'DreamSim distance to the query';
    meta.append(dist);
  }
  if (badge) {
    const b = document.createElement('span');
    b.className = 'badge';
    b.textContent = badge;
    meta.append(b);
  }
  for (const a of actions) meta.append(actionButton(a, name));
  if (!gone) meta.append(originalLink(item, name));

  const caption = document.createElement('div');
  caption.className = 'name';
  caption.title = item.path;
  caption.textContent = name + (item.width ? ' · ' + item.width + '×' + item.height : '');
  li.append(pick, meta, caption);
  return li;
}

function originalLink(item, name) {
  const open = document.createElement('a');
  open.href = originalUrl(item.id);
  open.target = '_blank';
  open.rel = 'noopener';
  open.className = 'open';
  open.textContent = 'original';
  open.setAttribute('aria-label', 'Open the original of ' + name);
  return open;
}

function actionButton({ label, title, className, onClick, pressed }, name) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'act ' + (className || '');
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title + ': ' + name);
  if (pressed !== undefined) b.setAttribute('aria-pressed', String(pressed));
  b.addEventListener('click', onClick);
  return b;
}

/**
 * Arrow keys move the focus between the thumbnails of a grid, row by row as the grid is laid out on screen (the
 * column count changes with the window, so it is measured, not assumed).
 */
export function arrowNavigation(grid) {
  grid.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: 'up', ArrowDown: 'down' }[e.key];
    if (!step || !e.target.classList.contains('pick')) return;
    const picks = [...grid.querySelectorAll('.pick')];
    const at = picks.indexOf(e.target);
    let to = at;
    if (typeof step === 'number') to = at + step;
    else {
      const columns = columnCount(picks);
      to = at + (step === 'down' ? columns : -columns);
    }
    if (to >= 0 && to < picks.length) {
      e.preventDefault();
      picks[to].focus();
      picks[to].scrollIntoView({ block: 'nearest' });
    }
  });
}

function columnCount(picks) {
  if (picks.length === 0) return 1;
  const top = picks[0].getBoundingClientRect().top;
  const sameRow = picks.findIndex((p) => p.getBoundingClientRect().top > top + 1);
  return sameRow === -1 ? picks.length : sameRow;
}
