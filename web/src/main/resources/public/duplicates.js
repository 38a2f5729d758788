// Duplicate review: the library's near-duplicate groups, a page at a time, suggested keeper first. Each card shows
// resolution, file size, capture date and folder, and its distance to the group's keeper. Compare two members side by
// side at full resolution (the comparison opens right below its group); choose another keeper (kept in the URL, the
// distances then measured to it); move the others into the server's quarantine folder (never deleted), with Undo;
// "Not duplicates" keeps the whole group and the server remembers it; "Resolve all shown" acts on every group of the
// page with one confirmation and one Undo.
// URL: /?duplicates (&threshold=0.1) (&page=2) (&keep=ID, repeated: a chosen keeper, one per group that has one).
import { $, api, imageInfo, limit, originalUrl, quarantineEnabled, thumbnailUrl, withToken, writesEnabled } from './api.js';
import { showThumbnail } from './thumbnails.js';
import { arrowNavigation, card, fileName, formatBytes, formatDate } from './cards.js';
import { folderOf, formatTaken } from './viewer.js';

let go; // navigate(params, {replace}) from app.js
let setUrl; // setUrl(params) from app.js
let fail; // showError(message) from app.js
let openViewer;
let current = null; // the URL parameters shown
let groups = []; // [{members, keeper, suggested, moves: Map(id -> move), dismissed}]
let comparing = null; // {group, a, b, opener}
let lastResolve = null; // the moves of the last "Resolve all shown", for its Undo
let lastDismissal = null; // {id, group}: the last "Not duplicates", for its Undo

// The comparison's elements, held here: the box moves into a group's section, and a group drawn again takes it out
// of the document for a moment (when getElementById would not find it).
const box = {};

export function init({ navigate, setUrl: replaceUrl, showError, openViewer: opener }) {
  box.compare = $('compare');
  box.pair = $('compare-pair');
  box.close = $('compare-close');
  go = navigate;
  setUrl = replaceUrl;
  fail = showError;
  openViewer = opener;
  $('dups-controls').addEventListener('submit', (e) => {
    e.preventDefault();
    go(new URLSearchParams({ duplicates: '', threshold: $('threshold').value }), { replace: true });
  });
  box.close.addEventListener('click', closeCompare);
  $('resolve-all').addEventListener('click', resolveAll);
  $('resolve-undo').addEventListener('click', undoResolveAll);
  $('groups-prev').addEventListener('click', () => go(withParam('page', pageOf(current) - 1)));
  $('groups-next').addEventListener('click', () => go(withParam('page', pageOf(current) + 1)));
  arrowNavigation($('groups'));
}

function pageOf(params) {
  return Math.max(1, parseInt(params.get('page'), 10) || 1);
}

function withParam(key, value) {
  const p = new URLSearchParams(current);
  p.delete('keep');
  if (value === null || (key === 'page' && value <= 1)) p.delete(key);
  else p.set(key, value);
  return p;
}

export function items() {
  return groups.flatMap((g) => g.members.filter((m) => !g.moves.has(m.id)));
}

export function capabilities() {
  $('write-note').hidden = writesEnabled() && quarantineEnabled();
}

export async function show(params) {
  current = params;
  const threshold = params.get('threshold') || String(limit('duplicate_threshold', 0.1));
  const page = pageOf(params);
  const pageSize = limit('duplicate_groups_page_size_default', 50);
  $('threshold').value = threshold;
  closeCompare();
  capabilities();
  lastResolve = null;
  $('resolve-undo').hidden = true;
  $('groups-summary').textContent = 'Scanning the library…';
  $('groups').replaceChildren();
  $('groups-pager').hidden = true;
  try {
    const body = await api('/api/duplicates?threshold=' + encodeURIComponent(threshold) + '&page=' + page
      + '&page_size=' + pageSize);
    if (current !== params) return;
    const chosen = new Set(params.getAll('keep'));
    groups = body.groups.map((g) => {
      const keeper = g.members.find((m) => chosen.has(m.id));
      return { members: g.members, keeper: keeper ? keeper.id : g.keeper, suggested: g.keeper, moves: new Map() };
    });
    const first = (body.page - 1) * body.page_size + 1;
    $('groups-summary').textContent = body.total_groups === 0
      ? 'No groups within ' + body.threshold + ': no near-duplicates at this threshold.'
      : body.total_groups + ' groups within ' + body.threshold
        + (body.pages > 1 ? ' (groups ' + first + '–' + (first + groups.length - 1) + ', largest first)' : '')
        + '. The suggested keeper (largest, then oldest) comes first; "keep" another to change it.';
    $('groups-pager').hidden = body.pages <= 1;
    $('groups-page-info').textContent = 'Page ' + body.page + ' of ' + body.pages;
    $('groups-prev').disabled = body.page <= 1;
    $('groups-next').disabled = body.page >= body.pages;
    $('resolve-all').disabled = groups.length === 0;
    renderGroups();
    loadDismissals();
    for (const g of groups) {
      if (g.keeper !== g.suggested) measureToKeeper(g);
      fillFacts(g);
    }
  } catch (e) {
    if (current !== params) return;
    $('groups-summary').textContent = '';
    fail(e.message, e);
  }
}

function renderGroups() {
  const open = comparing;
  $('groups').replaceChildren(...groups.map(groupSection));
  if (open) placeCompare(open.group);
}

function groupSection(group, index) {
  const section = document.createElement('section');
  section.className = 'group';
  section.dataset.group = index;
  section.setAttribute('aria-label', 'Group ' + (index + 1) + ', ' + group.members.length + ' images');
  const head = document.createElement('div');
  head.className = 'group-head';
  const title = document.createElement('h3');
  title.textContent = 'Group ' + (index + 1) + ' · ' + group.members.length + ' images · keep '
    + fileName(group.members.find((m) => m.id === group.keeper).path);
  head.append(title);
  const movable = movableOf(group);
  if (movable.length) head.append(button('Move ' + movable.length + ' to quarantine', 'quarantine write needs-quarantine',
    'Move the images other than the keeper into the quarantine folder', () => quarantine(group)));
  if (group.moves.size) head.append(button('Undo', 'undo write', 'Move this group\'s files back', () => undo(group)));
  if (!group.moves.size) head.append(button('Not duplicates', 'dismiss write',
    'Keep all of these: the server remembers they are not duplicates of each other', () => dismiss(group)));
  const list = document.createElement('ol');
  list.className = 'grid';
  list.append(...group.members.map((m) => memberCard(group, m)));
  section.append(head, list);
  return section;
}

function movableOf(group) {
  return group.members.filter((m) => m.id !== group.keeper && !group.moves.has(m.id)).map((m) => m.id);
}

function memberCard(group, m) {
  const isKeeper = m.id === group.keeper;
  const moved = group.moves.has(m.id);
  const actions = [];
  if (!moved) {
    actions.push({ label: 'keep', title: 'Keep this one', className: 'keep', pressed: isKeeper,
      onClick: () => chooseKeeper(group, m.id) });
    // compare always puts the keeper on the left: a member against it, or the keeper against the next member
    const other = isKeeper ? group.members.find((x) => x.id !== m.id && !group.moves.has(x.id)) : m;
    if (other) {
      actions.push({ label: 'compare', title: 'Compare with ' + (isKeeper ? 'the next' : 'the keeper'), className: 'compare-open',
        onClick: (e) => openCompare(group, group.keeper, other.id, e.currentTarget) });
    }
  }
  const li = card({ ...m, distance: isKeeper ? undefined : m.distance }, {
    onPick: moved ? null : (it) => openViewer(it),
    actions,
    badge: moved ? 'in quarantine' : isKeeper ? (m.id === group.suggested ? 'keeper (suggested)' : 'keeper') : null,
    extraClass: 'member' + (isKeeper ? ' keeper' : '') + (moved ? ' moved' : ''),
    gone: moved,
  });
  if (!isKeeper && typeof m.distance === 'number') {
    li.querySelector('.distance').title = 'Distance to the keeper';
  }
  li.append(factsLine(m));
  return li;
}

/** The card's facts: resolution, file size, capture date (else "no capture date") and folder. */
function factsLine(m) {
  const p = document.createElement('p');
  p.className = 'facts-line';
  const taken = formatTaken(m.taken_at);
  const parts = [
    ['res', m.width ? m.width + '×' + m.height : ''],
    ['size', formatBytes(m.bytes ?? m.size)],
    ['taken', taken || (m.taken_at === null ? 'no capture date' : '')],
    ['folder', folderOf(m)],
  ];
  for (const [key, text] of parts) {
    if (!text) continue;
    const span = document.createElement('span');
    span.className = 'fact-' + key;
    span.textContent = text;
    if (key === 'folder') span.title = text;
    p.append(span);
  }
  return p;
}

/** Members listed without a capture date field (an older server) get it from their own record. */
async function fillFacts(group) {
  const missing = group.members.filter((m) => !('taken_at' in m));
  if (!missing.length) return;
  await Promise.all(missing.map(async (m) => {
    const self = await imageInfo(m.id).catch(() => null);
    if (self) for (const k of ['taken_at', 'folder', 'mtime', 'format', 'camera_make', 'camera_model']) if (k in self) m[k] = self[k];
  }));
  if (groups.includes(group)) rerenderGroup(group);
}

function rerenderGroup(group) {
  const index = groups.indexOf(group);
  const old = $('groups').querySelector('[data-group="' + index + '"]');
  if (!old) return;
  // the focus stays on the same control of the same card when the group is drawn again under it
  const active = document.activeElement;
  const li = active && old.contains(active) ? active.closest('li[data-id]') : null;
  const kind = active && active.classList ? active.classList[0] : null;
  old.replaceWith(groupSection(group, index));
  if (comparing && comparing.group === group) placeCompare(group);
  if (li && kind) {
    const again = $('groups').querySelector('[data-group="' + index + '"] li[data-id="' + CSS.escape(li.dataset.id) + '"] .'
      + CSS.escape(kind));
    if (again) again.focus({ preventScroll: true });
  }
}

/** A new keeper: the URL keeps it (a reload or Back shows the same choice), and the distances are measured to it. */
function chooseKeeper(group, id) {
  group.keeper = id;
  const p = new URLSearchParams(current);
  p.delete('keep');
  for (const g of groups) if (g.keeper !== g.suggested) p.append('keep', g.keeper);
  current = p;
  setUrl(p);
  for (const m of group.members) if (m.id !== id) delete m.distance; // not the old keeper's distance meanwhile
  rerenderGroup(group);
  measureToKeeper(group);
}

/** Each member's distance to the group's keeper, from stored vectors (GET /api/distance?a=&b=: no model run). */
async function measureToKeeper(group) {
  const keeper = group.keeper;
  await Promise.all(group.members.filter((m) => m.id !== keeper && !group.moves.has(m.id)).map(async (m) => {
    try {
      const d = await api('/api/distance?a=' + encodeURIComponent(keeper) + '&b=' + encodeURIComponent(m.id));
      if (group.keeper === keeper) m.distance = d.distance;
    } catch (e) {
      // the distance stays blank; the rest of the review works without it
    }
  }));
  if (group.keeper === keeper && groups.includes(group)) {
    group.members.find((m) => m.id === keeper).distance = 0;
    rerenderGroup(group);
    if (comparing && comparing.group === group) openCompare(group, comparing.a, comparing.b, comparing.opener, false);
  }
}

function button(label, className, title, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

// Side by side at full resolution: the originals, scaled to fit; a click shows one at its real pixel size. The
// comparison sits right below its group, so the page does not jump away from what is being compared.
function openCompare(group, a, b, opener, focus = true) {
  comparing = { group, a, b, opener };
  box.pair.replaceChildren(...[a, b].map((id) => figure(group, group.members.find((m) => m.id === id))));
  box.compare.hidden = false;
  placeCompare(group);
  if (focus) {
    box.compare.scrollIntoView({ block: 'nearest' });
    box.close.focus({ preventScroll: true });
  }
}

function placeCompare(group) {
  const section = $('groups').querySelector('[data-group="' + groups.indexOf(group) + '"]');
  if (section) section.append(box.compare);
}

function figure(group, m) {
  const f = document.createElement('figure');
  f.dataset.id = m.id;
  const frame = document.createElement('div');
  frame.className = 'full';
  const img = document.createElement('img');
  img.src = originalUrl(m.id);
  img.alt = fileName(m.path) + ' at full resolution';
  img.title = 'Click: actual pixels / fit';
  img.addEventListener('click', () => frame.classList.toggle('actual'));
  frame.append(img);
  const caption = document.createElement('figcaption');
  const facts = [
    ['Dimensions', m.width + ' × ' + m.height],
    ['File size', formatBytes(m.bytes ?? m.size)],
    ['Captured', formatTaken(m.taken_at) || 'no capture date'],
    ['File date', formatDate(m.mtime ?? m.modified) || 'not known'],
    ['Path', m.path],
    ['Distance to keeper', m.id === group.keeper ? '' : typeof m.distance === 'number' ? m.distance.toFixed(3) : 'measuring…'],
  ];
  const dl = document.createElement('dl');
  for (const [k, v] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.className = k.toLowerCase().replace(/ /g, '-');
    dl.append(dt, dd);
  }
  caption.append(dl);
  if (m.id !== group.keeper && !group.moves.has(m.id)) {
    caption.append(button('Keep this one', 'keep-this', 'Make this the keeper of its group', () => {
      const other = comparing.a === m.id ? comparing.b : comparing.a;
      const opener = comparing.opener;
      chooseKeeper(group, m.id);
      openCompare(group, m.id, other, opener);
    }));
  } else if (m.id === group.keeper) {
    const b = document.createElement('p');
    b.className = 'badge';
    b.textContent = 'keeper';
    caption.append(b);
  }
  f.append(frame, caption);
  return f;
}

/** Close: the comparison goes, and the focus returns to the button that opened it (or its card, if redrawn). */
function closeCompare() {
  const was = comparing;
  comparing = null;
  box.compare.hidden = true;
  box.pair.replaceChildren();
  $('dups').insertBefore(box.compare, $('groups'));
  if (!was) return;
  let target = was.opener && was.opener.isConnected ? was.opener : null;
  if (!target) {
    const section = $('groups').querySelector('[data-group="' + groups.indexOf(was.group) + '"]');
    target = section && (section.querySelector('li[data-id="' + CSS.escape(was.b) + '"] .compare-open') || section.querySelector('.pick'));
  }
  if (target) target.focus();
}

/** Esc closes the comparison first (and is used up); otherwise app.js goes back. */
export function escape() {
  if (box.compare.hidden) return false;
  closeCompare();
  return true;
}

export function leave() {
  comparing = null;
  box.compare.hidden = true;
  $('dups').insertBefore(box.compare, $('groups'));
  current = null;
}

// Acting on a group: needs the write token (asked once per tab) and a server started with --quarantine DIR.
async function quarantine(group) {
  fail('');
  const move = movableOf(group);
  try {
    const body = await withToken('/api/quarantine', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keep: group.keeper, move, threshold: Number($('threshold').value) }),
    });
    if (!body) return; // the person cancelled the token dialog
    for (const m of body.moves) group.moves.set(m.id, m);
    if (comparing && comparing.group === group) closeCompare(); // it may show a file no longer in the library
    rerenderGroup(group);
    focusIn(group, '.undo'); // the button pressed is gone; its opposite takes the keyboard focus
    // one file's failure (already gone, say) does not stop the others: name each one that stayed
    if (body.errors && body.errors.length) fail(body.errors.map((f) => f.error).join(' '));
  } catch (e) {
    fail(e.message, e);
  }
}

async function undo(group) {
  fail('');
  try {
    for (const [id, m] of [...group.moves]) {
      const body = await withToken('/api/quarantine/' + encodeURIComponent(m.move_id) + '/undo', { method: 'POST' });
      if (!body) return;
      group.moves.delete(id);
    }
  } catch (e) {
    fail(e.message, e);
  }
  rerenderGroup(group);
  focusIn(group, '.quarantine');
}

function focusIn(group, selector) {
  const target = $('groups').querySelector('[data-group="' + groups.indexOf(group) + '"] ' + selector);
  if (target) target.focus();
}

/** "Not duplicates": the server keeps the decision (these images are not grouped together again); Undo deletes it. */
async function dismiss(group) {
  fail('');
  try {
    const body = await withToken('/api/duplicates/dismissals', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: group.members.map((m) => m.id) }),
    });
    if (!body) return;
    const index = groups.indexOf(group);
    if (comparing && comparing.group === group) closeCompare();
    groups.splice(index, 1);
    lastDismissal = { id: body.id, group, index };
    renderGroups();
    const note = $('groups-summary');
    note.textContent = 'Kept all ' + group.members.length + ' images of that group: they will not be grouped again. ';
    const b = button('Undo', 'dismiss-undo write', 'Group these images again', undoDismissal);
    note.append(b);
    b.focus();
    loadDismissals();
  } catch (e) {
    fail(e.message, e);
  }
}

// The decisions "not duplicates" the server keeps, each with Undo (the group then comes back on the next scan).
async function loadDismissals() {
  if (!writesEnabled()) return;
  try {
    const body = await api('/api/duplicates/dismissals');
    const list = body.dismissals || [];
    $('dismissals-count').textContent = list.length;
    $('dismissals-list').replaceChildren(...list.map((d) => {
      const li = document.createElement('li');
      li.dataset.dismissal = d.id;
      for (const id of d.ids.slice(0, 6)) {
        const img = document.createElement('img');
        img.alt = '';
        showThumbnail(img, thumbnailUrl(id) + '?size=128');
        li.append(img);
      }
      const text = document.createElement('span');
      text.textContent = d.ids.length + ' images kept' + (d.at ? ' · ' + formatDate(d.at) : '');
      const undoButton = button('Undo', 'dismissal-undo write', 'Group these images again', () => removeDismissal(d.id));
      undoButton.setAttribute('aria-label', 'Undo "not duplicates" for these ' + d.ids.length + ' images');
      li.append(text, undoButton);
      return li;
    }));
  } catch (e) {
    $('dismissals-count').textContent = '?'; // an older server without the route: the list stays empty
  }
}

async function removeDismissal(id) {
  fail('');
  try {
    const body = await withToken('/api/duplicates/dismissals/' + encodeURIComponent(id), { method: 'DELETE' });
    if (!body) return;
    if (lastDismissal && lastDismissal.id === id) lastDismissal = null;
    await show(current); // the group is found again by the scan
    $('dismissals').querySelector('summary').focus();
  } catch (e) {
    fail(e.message, e);
  }
}

async function undoDismissal() {
  const d = lastDismissal;
  if (!d) return;
  try {
    const body = await withToken('/api/duplicates/dismissals/' + encodeURIComponent(d.id), { method: 'DELETE' });
    if (!body) return;
    lastDismissal = null;
    groups.splice(Math.min(d.index, groups.length), 0, d.group);
    renderGroups();
    loadDismissals();
    $('groups-summary').textContent = 'The group is back.';
    focusIn(d.group, '.dismiss');
  } catch (e) {
    fail(e.message, e);
  }
}

/**
 * "Resolve all shown": every group on the page keeps its keeper (suggested or chosen) and the others move to
 * quarantine, after one confirmation; one Undo moves every one of them back.
 */
async function resolveAll() {
  fail('');
  const plan = groups.filter((g) => movableOf(g).length);
  const count = plan.reduce((n, g) => n + movableOf(g).length, 0);
  if (!count) {
    fail('Nothing to resolve: every group shown is resolved already.');
    return;
  }
  if (!confirm('Move ' + count + ' images of ' + plan.length + ' groups to the quarantine folder, keeping each '
    + 'group\'s keeper? Nothing is deleted, and one Undo moves them all back.')) return;
  const moves = [];
  const errors = [];
  try {
    for (const group of plan) {
      const body = await withToken('/api/quarantine', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ keep: group.keeper, move: movableOf(group), threshold: Number($('threshold').value) }),
      });
      if (!body) break; // cancelled: what moved so far stays undoable
      for (const m of body.moves) { group.moves.set(m.id, m); moves.push([group, m]); }
      errors.push(...(body.errors || []).map((f) => f.error));
    }
  } catch (e) {
    errors.push(e.message);
  }
  closeCompare();
  renderGroups();
  lastResolve = moves;
  $('resolve-undo').hidden = moves.length === 0;
  $('groups-summary').textContent = 'Moved ' + moves.length + ' images to quarantine.';
  if (moves.length) $('resolve-undo').focus();
  if (errors.length) fail(errors.join(' '));
}

async function undoResolveAll() {
  fail('');
  const moves = lastResolve || [];
  let back = 0;
  try {
    for (const [group, m] of moves) {
      if (!group.moves.has(m.id)) { back++; continue; } // undone from its group already
      const body = await withToken('/api/quarantine/' + encodeURIComponent(m.move_id) + '/undo', { method: 'POST' });
      if (!body) break;
      group.moves.delete(m.id);
      back++;
    }
  } catch (e) {
    fail(e.message, e);
  }
  renderGroups();
  if (back === moves.length) {
    lastResolve = null;
    $('resolve-undo').hidden = true;
    $('groups-summary').textContent = 'Moved all ' + back + ' images back.';
    $('resolve-all').focus();
  }
}
