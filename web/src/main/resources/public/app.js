// The search page: plain JS, no build step. Talks only to this server's /api.
'use strict';
const $ = (id) => document.getElementById(id);
const state = { query: null, results: [] }; // query: {file: Blob} or {id: string}

async function api(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ? body.error.message : 'request failed (' + response.status + ')');
  return body;
}

function showError(message) {
  $('error').textContent = message || '';
  $('error').hidden = !message;
}

// Status line: library size, model, device, background indexing.
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

function maxDistance() {
  const v = parseFloat($('max').value);
  return v >= 1 ? null : v;
}

function card(hit, onPick, keeper) {
  const li = document.createElement('li');
  li.className = 'card result' + (keeper ? ' keeper' : '');
  li.dataset.id = hit.id;
  li.dataset.distance = hit.distance;
  const name = hit.path.split(/[\\/]/).pop();
  const pick = document.createElement('button');
  pick.type = 'button';
  pick.className = 'pick';
  pick.title = 'Search by this image';
  pick.setAttribute('aria-label', 'Search by ' + name + ', distance ' + hit.distance.toFixed(3));
  const img = document.createElement('img');
  img.loading = 'lazy';
  img.alt = name;
  img.src = hit.thumbnail;
  pick.append(img);
  pick.addEventListener('click', () => onPick(hit));
  const meta = document.createElement('div');
  meta.className = 'meta';
  const dist = document.createElement('span');
  dist.className = 'distance';
  dist.textContent = hit.distance.toFixed(3);
  const open = document.createElement('a');
  open.href = '/api/images/' + encodeURIComponent(hit.id);
  open.target = '_blank';
  open.rel = 'noopener';
  open.className = 'open';
  open.textContent = 'original';
  open.setAttribute('aria-label', 'Open the original of ' + name);
  meta.append(dist);
  if (keeper) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'keep';
    meta.append(badge);
  }
  meta.append(open);
  const caption = document.createElement('div');
  caption.className = 'name';
  caption.textContent = name + ' · ' + hit.width + '×' + hit.height;
  li.append(pick, meta, caption);
  return li;
}

// The slider filters the results already fetched: no new model run for an uploaded query.
function render() {
  const max = maxDistance();
  $('max-out').textContent = max === null ? 'any' : max.toFixed(2);
  const shown = state.results.filter((h) => max === null || h.distance <= max);
  $('results').replaceChildren(...shown.map((h) => card(h, searchById)));
  $('summary').textContent = state.query ? shown.length + ' of ' + state.results.length + ' results, nearest first'
    + (state.took ? ' · ' + state.took.toFixed(1) + ' ms' : '') : '';
}

async function runQuery() {
  if (!state.query) return;
  showError('');
  const k = Math.min(1000, Math.max(1, parseInt($('k').value, 10) || 20));
  try {
    let body;
    if (state.query.file) {
      const form = new FormData();
      form.append('image', state.query.file, state.query.file.name || 'pasted-image');
      body = await api('/api/search?k=' + k, { method: 'POST', body: form });
    } else {
      body = await api('/api/search?k=' + k + '&id=' + encodeURIComponent(state.query.id));
    }
    state.results = body.results;
    state.took = body.took_ms;
    render();
    if (!$('dups').hidden) nearDuplicates();
  } catch (e) {
    state.results = [];
    render();
    showError(e.message);
  }
}

function setPreview(src) {
  $('preview').src = src;
  $('preview').alt = 'Query image';
  $('preview').hidden = false;
}

function searchByFile(file) {
  if (!file) return;
  state.query = { file };
  setPreview(URL.createObjectURL(file));
  runQuery();
}

function searchById(hit) {
  state.query = { id: hit.id };
  $('file').value = ''; // the picker no longer names the query
  setPreview(hit.thumbnail);
  runQuery();
  $('query').scrollIntoView({ behavior: 'smooth' });
}

async function nearDuplicates() {
  const q = state.query;
  if (!q) return;
  const t = $('threshold').value;
  try {
    let hits;
    if (q.file) {
      const form = new FormData();
      form.append('image', q.file, q.file.name || 'pasted-image');
      hits = (await api('/api/duplicates?threshold=' + encodeURIComponent(t), { method: 'POST', body: form })).results;
    } else {
      const body = await api('/api/search?k=100&id=' + encodeURIComponent(q.id) + '&max_distance=' + encodeURIComponent(t));
      hits = body.results;
    }
    $('near-summary').textContent = hits.length ? hits.length + ' indexed images within ' + t : 'Not in the library (nothing within ' + t + ').';
    $('near').replaceChildren(...hits.map((h) => card(h, searchById)));
  } catch (e) {
    showError(e.message);
  }
}

async function loadGroups() {
  showError('');
  const t = $('threshold').value;
  $('groups-summary').textContent = 'Scanning the library…';
  try {
    const body = await api('/api/duplicates?threshold=' + encodeURIComponent(t) + '&page=1&page_size=50');
    $('groups-summary').textContent = body.total_groups + ' groups within ' + body.threshold
      + (body.pages > 1 ? ' (showing the 50 largest)' : '') + '; the keeper (largest, then oldest) is marked.';
    $('groups').replaceChildren(...body.groups.map((g, i) => {
      const section = document.createElement('section');
      section.className = 'group';
      section.setAttribute('aria-label', 'Group ' + (i + 1) + ', ' + g.members.length + ' images');
      const list = document.createElement('ol');
      list.className = 'grid';
      list.append(...g.members.map((m) => card(m, (h) => { selectTab('similar'); searchById(h); }, m.id === g.keeper)));
      section.append(list);
      return section;
    }));
  } catch (e) {
    $('groups-summary').textContent = '';
    showError(e.message);
  }
}

function selectTab(name) {
  const similar = name === 'similar';
  $('tab-similar').setAttribute('aria-selected', String(similar));
  $('tab-dups').setAttribute('aria-selected', String(!similar));
  $('similar').hidden = !similar;
  $('dups').hidden = similar;
  if (!similar) nearDuplicates();
}

// Inputs: file picker, drag and drop, paste, keyboard on the drop zone.
$('file').addEventListener('change', (e) => searchByFile(e.target.files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  searchByFile(e.dataTransfer.files[0]);
});
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); }
});
document.addEventListener('paste', (e) => {
  const item = [...e.clipboardData.items].find((i) => i.type.startsWith('image/'));
  if (item) searchByFile(item.getAsFile());
});
// Enter in the results field submits the form: its change event already searched, so keep the page from reloading
// (here, not in the markup: the Content-Security-Policy refuses inline handlers).
$('controls').addEventListener('submit', (e) => e.preventDefault());
$('max').addEventListener('input', render);
$('k').addEventListener('change', runQuery);
$('tab-similar').addEventListener('click', () => selectTab('similar'));
$('tab-dups').addEventListener('click', () => selectTab('dups'));
$('load-groups').addEventListener('click', loadGroups);
$('threshold').addEventListener('change', nearDuplicates);

refreshStatus();
setInterval(refreshStatus, 3000);
