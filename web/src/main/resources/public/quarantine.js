// The Quarantine view: every move the server logged (its log survives reloads and restarts), newest first, each
// with Undo until it is undone; an undone move says so. Built from GET /api/quarantine/log, so what it shows is the
// server's record, not this tab's memory. URL: /?quarantine
import { $, api, withToken, writesEnabled } from './api.js';
import { fileName, formatDate } from './cards.js';

let fail; // showError(message) from app.js
let shown = 0; // counts the loads: an answer for an older one is dropped

export function init({ showError }) {
  fail = showError;
  $('export-csv').addEventListener('click', exportLog);
  $('export-json').addEventListener('click', exportLog);
}

// The log holds the library's paths: a server with a write token asks for it (the token dialog then).
function readLog(url, request = api) {
  return writesEnabled() ? withToken(url, {}, request) : request(url, {});
}

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) {
    const error = new Error('the server answered ' + response.status);
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
    const response = await readLog(link.getAttribute('href'), fetchOk);
    if (!response) return; // the token dialog was cancelled
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = link.getAttribute('download');
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    fail(e.message, e);
  }
}

export async function show() {
  const load = ++shown;
  $('quarantine-summary').textContent = 'Reading the log…';
  try {
    const body = await readLog('/api/quarantine/log?format=json');
    if (load !== shown || !body) return;
    render(body.entries || []);
  } catch (e) {
    if (load !== shown) return;
    $('quarantine-summary').textContent = '';
    $('log').querySelector('tbody').replaceChildren();
    fail(e.status === 409 ? 'This server keeps no quarantine: it was started without --quarantine.' : e.message, e);
  }
}

function render(entries) {
  const undone = new Map(entries.filter((e) => e.event === 'undo').map((e) => [e.move_id, e]));
  const moves = entries.filter((e) => (e.event || 'move') === 'move').reverse();
  const waiting = moves.filter((m) => !undone.has(m.move_id)).length;
  $('quarantine-summary').textContent = moves.length === 0
    ? 'No files have been moved to quarantine.'
    : moves.length + (moves.length === 1 ? ' move, ' : ' moves, ') + waiting + ' of them still in quarantine.';
  $('log').querySelector('tbody').replaceChildren(...moves.map((m) => row(m, undone.get(m.move_id))));
}

function row(m, undo) {
  const tr = document.createElement('tr');
  tr.dataset.move = m.move_id;
  tr.dataset.id = m.id;
  const cells = [formatDate(m.at) || String(m.at ?? ''), fileName(m.from || ''), m.from, m.to];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text ?? '';
    tr.append(td);
  }
  const state = document.createElement('td');
  if (undo) {
    tr.className = 'undone';
    state.textContent = 'moved back ' + (formatDate(undo.at) || '');
  } else if (writesEnabled()) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'undo write';
    b.textContent = 'Undo';
    b.setAttribute('aria-label', 'Move ' + fileName(m.from || '') + ' back to the library');
    b.addEventListener('click', () => undoMove(m, b));
    state.append(b);
  } else {
    state.textContent = 'in quarantine';
  }
  tr.append(state);
  return tr;
}

async function undoMove(m, b) {
  fail('');
  b.disabled = true;
  try {
    const body = await withToken('/api/quarantine/' + encodeURIComponent(m.move_id) + '/undo', { method: 'POST' });
    if (!body) { b.disabled = false; return; }
    await show();
    // the button is gone with its row's new state: the focus goes to the next Undo, else the summary
    const next = $('log').querySelector('button.undo');
    if (next) next.focus();
    else $('quarantine-summary').focus();
  } catch (e) {
    b.disabled = false;
    fail(e.message, e);
  }
}
