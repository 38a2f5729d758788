// Duplicate review: the library's near-duplicate groups, suggested keeper first; compare two members side by side at
// full resolution; change the keeper; move the others into the server's quarantine folder (never deleted), with
// undo and a log. URL: /?duplicates (&threshold=0.1).
import { $, api, imageInfo, originalUrl, withToken } from './api.js';
import { arrowNavigation, card, fileName, formatBytes, formatDate } from './cards.js';

let go; // navigate(params, {replace}) from app.js
let fail; // showError(message) from app.js
let groups = []; // [{members, keeper, moves: Map(id -> move)}]
let comparing = null; // [groupIndex, idA, idB]

export function init({ navigate, showError }) {
  go = navigate;
  fail = showError;
  $('dups-controls').addEventListener('submit', (e) => {
    e.preventDefault();
    go(new URLSearchParams({ duplicates: '', threshold: $('threshold').value }), { replace: true });
  });
  $('compare-close').addEventListener('click', closeCompare);
  $('log-load').addEventListener('click', loadLog);
  $('export-csv').addEventListener('click', exportLog);
  $('export-json').addEventListener('click', exportLog);
  arrowNavigation($('groups'));
}

export async function show(params) {
  const threshold = params.get('threshold') || '0.1';
  $('threshold').value = threshold;
  closeCompare();
  $('groups-summary').textContent = 'Scanning the library…';
  $('groups').replaceChildren();
  try {
    const body = await api('/api/duplicates?threshold=' + encodeURIComponent(threshold) + '&page=1&page_size=50');
    groups = body.groups.map((g) => ({ members: g.members, keeper: g.keeper, suggested: g.keeper, moves: new Map() }));
    $('groups-summary').textContent = body.total_groups + ' groups within ' + body.threshold
      + (body.pages > 1 ? ' (showing the 50 largest)' : '')
      + '. The suggested keeper (largest, then oldest) comes first; "keep" another to change it.';
    renderGroups();
  } catch (e) {
    $('groups-summary').textContent = '';
    fail(e.message);
  }
}

function renderGroups() {
  $('groups').replaceChildren(...groups.map(groupSection));
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
  const movable = group.members.filter((m) => m.id !== group.keeper && !group.moves.has(m.id));
  if (movable.length) head.append(button('Move ' + movable.length + ' to quarantine', 'quarantine',
    'Move the images other than the keeper into the quarantine folder', () => quarantine(group)));
  if (group.moves.size) head.append(button('Undo', 'undo', 'Move this group\'s files back', () => undo(group)));
  const list = document.createElement('ol');
  list.className = 'grid';
  list.append(...group.members.map((m) => memberCard(group, index, m)));
  section.append(head, list);
  return section;
}

function memberCard(group, index, m) {
  const isKeeper = m.id === group.keeper;
  const moved = group.moves.has(m.id);
  const actions = [];
  if (!moved) {
    actions.push({ label: 'keep', title: 'Keep this one', className: 'keep', pressed: isKeeper,
      onClick: () => { group.keeper = m.id; renderGroups(); } });
  }
  // compare always puts the keeper on the left: a member against it, or the keeper against the next member
  const other = isKeeper ? group.members.find((x) => x.id !== m.id) : m;
  actions.push({ label: 'compare', title: 'Compare with ' + (isKeeper ? 'the next' : 'the keeper'), className: 'compare-open',
    onClick: () => openCompare(index, group.keeper, other.id) });
  return card(m, {
    onPick: (it) => go(new URLSearchParams({ similar: it.id })),
    actions,
    badge: moved ? 'in quarantine' : isKeeper ? (m.id === group.suggested ? 'keeper (suggested)' : 'keeper') : null,
    extraClass: 'member' + (isKeeper ? ' keeper' : '') + (moved ? ' moved' : ''),
  });
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

// Side by side at full resolution: the originals, scaled to fit; a click shows one at its real pixel size.
function openCompare(index, a, b) {
  comparing = [index, a, b];
  const group = groups[index];
  $('compare-pair').replaceChildren(...[a, b].map((id) => figure(group, group.members.find((m) => m.id === id))));
  $('compare').hidden = false;
  $('compare').scrollIntoView({ block: 'start' });
  $('compare-close').focus({ preventScroll: true });
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
    ['Date', formatDate(m.mtime) || 'not known'],
    ['Path', m.path],
    ['Distance to keeper', typeof m.distance === 'number' ? m.distance.toFixed(3) : ''],
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
  if (m.mtime == null) fillDate(m, dl.querySelector('.date'));
  if (m.id !== group.keeper && !group.moves.has(m.id)) {
    caption.append(button('Keep this one', 'keep-this', 'Make this the keeper of its group', () => {
      group.keeper = m.id;
      renderGroups();
      openCompare(comparing[0], m.id, comparing[1] === m.id ? comparing[2] : comparing[1]);
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

/** Group members carry no date: it comes from the image's own record. */
async function fillDate(m, dd) {
  try {
    const self = await imageInfo(m.id);
    if (self && formatDate(self.mtime)) {
      m.mtime = self.mtime;
      dd.textContent = formatDate(self.mtime);
    }
  } catch (e) {
    // the date stays "not known": the comparison is still useful without it
  }
}

function closeCompare() {
  comparing = null;
  $('compare').hidden = true;
  $('compare-pair').replaceChildren();
}

/** Esc closes the comparison first (and is used up); otherwise app.js goes back. */
export function escape() {
  if ($('compare').hidden) return false;
  closeCompare();
  return true;
}

export function leave() {
  closeCompare();
}

// Acting on a group: needs the write token (asked once per tab) and a server started with --quarantine DIR.
async function quarantine(group) {
  fail('');
  const move = group.members.filter((m) => m.id !== group.keeper && !group.moves.has(m.id)).map((m) => m.id);
  try {
    const body = await withToken('/api/quarantine', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keep: group.keeper, move, threshold: Number($('threshold').value) }),
    });
    if (!body) return; // the person cancelled the token dialog
    for (const m of body.moves) group.moves.set(m.id, m);
    closeCompare(); // it may show a file that is no longer in the library
    renderGroups();
    focusIn(group, '.undo'); // the button pressed is gone; its opposite takes the keyboard focus
    // one file's failure (already gone, say) does not stop the others: name each one that stayed
    if (body.errors && body.errors.length) fail(body.errors.map((f) => f.error).join(' '));
  } catch (e) {
    fail(e.message);
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
    fail(e.message);
  }
  renderGroups();
  focusIn(group, '.quarantine');
}

function focusIn(group, selector) {
  const target = $('groups').querySelector('[data-group="' + groups.indexOf(group) + '"] ' + selector);
  if (target) target.focus();
}

// The log of moves and undos kept by the server: it holds the library's paths, so a server with a write token asks
// for it (the token dialog then), one without answers anyone.
async function logRequest(url) {
  try {
    return await fetchOk(url, {});
  } catch (e) {
    if (e.status !== 401) throw e;
    return withToken(url, {}, fetchOk);
  }
}

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const error = new Error(body.error ? body.error.message : 'request failed (' + response.status + ')');
    error.status = response.status;
    throw error;
  }
  return response;
}

// The export links download through the same request, token included when needed.
async function exportLog(event) {
  event.preventDefault();
  fail('');
  const link = event.currentTarget;
  try {
    const response = await logRequest(link.getAttribute('href'));
    if (!response) return;
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = link.getAttribute('download');
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    fail(e.message);
  }
}

async function loadLog() {
  fail('');
  try {
    const response = await logRequest('/api/quarantine/log?format=json');
    if (!response) return; // the person cancelled the token dialog
    const body = await response.json();
    const entries = body.entries;
    const rows = entries.map((m) => {
      const tr = document.createElement('tr');
      const when = formatDate(m.at) || String(m.at ?? '');
      for (const text of [when, m.event || 'move', m.from, m.to]) {
        const td = document.createElement('td');
        td.textContent = text ?? '';
        tr.append(td);
      }
      return tr;
    });
    $('log').querySelector('tbody').replaceChildren(...rows);
    $('log').hidden = false;
    if (!rows.length) fail('No files have been moved to quarantine yet.');
  } catch (e) {
    fail(e.message);
  }
}
