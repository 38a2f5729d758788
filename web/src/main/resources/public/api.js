// Talking to this server's /api: JSON in and out, the server's own error message on failure, and the write token.

export const $ = (id) => document.getElementById(id);

/** Fetches JSON; a failed request throws an Error carrying the server's message (and its status). */
export async function api(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    // fetch itself failed: no answer at all ("Failed to fetch"), so the server is down or the network is
    const error = new Error('The server cannot be reached. The page will carry on by itself when it is back.');
    error.offline = true;
    throw error;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(plainWords(response.status, body.error ? body.error.message : null));
    error.status = response.status;
    throw error;
  }
  return body;
}

/** The server's message, with what to do when it alone would not say it; a proxy's bare failure in plain words. */
function plainWords(status, message) {
  if (status === 413) return 'The photo is too large for this server' + (message ? ': ' + message : '.');
  if (status === 415 || (status === 400 && /unrecognised|not an image|decode/i.test(message || ''))) {
    return 'This file is not a photo the server can read (' + (message || 'unknown format')
      + '). Try a JPEG, PNG, WebP, HEIC or TIFF.';
  }
  if (status === 503) return (message || 'The server is busy') + ' The page tries again by itself.';
  if (status >= 502 && !message) return 'The server cannot be reached right now. The page will carry on by itself when it is back.';
  return message || 'The server could not do this (HTTP ' + status + ').';
}

/** A multipart body with one file under `field` (a pasted image has no name: give it one the server can quote). */
export function formWith(field, blob) {
  const form = new FormData();
  form.append(field, blob, blob.name || 'pasted-image');
  return form;
}

/**
 * An indexed image's record (path, size, mtime, ...): there is no route for one record, but a search by its id
 * returns the image itself first, from its stored vector, so this costs no model run.
 */
export async function imageInfo(id) {
  const self = (await api('/api/search?k=1&id=' + encodeURIComponent(id))).results[0];
  return self && self.id === id ? self : null;
}

export function thumbnailUrl(id) {
  return '/api/images/' + encodeURIComponent(id) + '/thumbnail';
}

export function originalUrl(id) {
  return '/api/images/' + encodeURIComponent(id);
}

/** The server's /api/stats, as last read by the status line (null until the first answer). */
export const server = { stats: null };

/** Whether the server takes writes at all (a token was given); a server without says so and no token is asked. */
export function writesEnabled() {
  const s = server.stats;
  if (!s) return false;
  if (s.writes) return Boolean(s.writes.enabled);
  return !s.read_only; // an older server: only read_only is known
}

/** Whether the server moves files to quarantine (started with --quarantine). */
export function quarantineEnabled() {
  const s = server.stats;
  return Boolean(s && s.writes ? s.writes.enabled && s.writes.quarantine : writesEnabled());
}

/** A constant of the server's ("limits" in /api/stats), else the page's fallback. */
export function limit(name, fallback) {
  const s = server.stats;
  return s && s.limits && s.limits[name] != null ? s.limits[name] : fallback;
}

// The token lives in sessionStorage: it survives a reload of this tab but not closing it, and no other tab sees it.
const TOKEN_KEY = 'dss-write-token';

/** Asks for the token in a dialog unless this tab already has one; resolves null when the person cancels. */
export function writeToken(message) {
  const known = sessionStorage.getItem(TOKEN_KEY);
  if (known && !message) return Promise.resolve(known);
  const dialog = $('token-dialog');
  $('token-error').textContent = message || '';
  $('token-error').hidden = !message;
  $('token').value = '';
  return new Promise((resolve) => {
    const done = (token) => {
      $('token-form').removeEventListener('submit', onSubmit);
      $('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onEscape);
      dialog.close();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      resolve(token);
    };
    const onSubmit = (e) => { e.preventDefault(); done($('token').value); };
    const onCancel = () => done(null);
    const onEscape = (e) => { e.preventDefault(); done(null); }; // Esc closes the dialog: that is a cancel too
    $('token-form').addEventListener('submit', onSubmit);
    $('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onEscape);
    dialog.showModal();
    $('token').focus();
  });
}

/**
 * A request that needs the write token: asks for it once, and again (saying why) when the server refuses it, so a
 * mistyped token is never kept. Resolves null when the person cancels.
 */
export async function withToken(url, options, request = api) {
  let token = await writeToken();
  while (token) {
    const headers = { ...(options.headers || {}), Authorization: 'Bearer ' + token };
    try {
      return await request(url, { ...options, headers });
    } catch (e) {
      if (e.status !== 401) throw e;
      sessionStorage.removeItem(TOKEN_KEY);
      token = await writeToken('The server refused the token: ' + e.message + '. Try again.');
    }
  }
  return null;
}
