// Thumbnails that never stay broken for load: a placeholder until the image arrives, and a 503 (the server's
// thumbnail queue was full or its wait ran out) asked again later, honouring Retry-After, with growing pauses.

const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 30000;
const ATTEMPTS = 12; // about five minutes of pauses before a thumbnail is given up as failed

/**
 * Shows the thumbnail at `url` in `img`. The image element keeps the browser's own loading (lazy, cached, ETags);
 * only when that fails is the address fetched to learn why: a 503 is retried after a pause, anything else (a file
 * gone or changed, 404/409) leaves the card's placeholder with the reason as its title instead of a broken image.
 */
export function showThumbnail(img, url) {
  img.classList.add('thumb-waiting');
  img.addEventListener('load', () => img.classList.remove('thumb-waiting', 'thumb-failed'));
  img.addEventListener('error', () => retryThumbnail(img, url, 0), { once: true });
  img.src = url;
}

async function retryThumbnail(img, url, attempt) {
  img.classList.add('thumb-waiting');
  let response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (e) { // the network itself: the same as a busy server
    response = null;
  }
  if (response && response.ok) {
    const blob = await response.blob();
    const objectUrl = URL.createObjectURL(blob);
    img.addEventListener('load', () => URL.revokeObjectURL(objectUrl), { once: true });
    img.src = objectUrl;
    return;
  }
  if (response && response.status !== 503) {
    thumbnailFailed(img, 'thumbnail not available (HTTP ' + response.status + ')');
    return;
  }
  if (attempt + 1 >= ATTEMPTS) {
    thumbnailFailed(img, 'the server stayed busy; reload the page to try again');
    return;
  }
  setTimeout(() => retryThumbnail(img, url, attempt + 1), retryPause(response, attempt));
}

/** Retry-After when the server gives one, never shorter than the back-off; a little jitter spreads a page's retries. */
function retryPause(response, attempt) {
  const backoff = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
  const header = response ? Number(response.headers.get('Retry-After')) : NaN;
  const asked = Number.isFinite(header) && header > 0 ? Math.min(LONGEST_PAUSE_MS, header * 1000) : 0;
  return Math.max(backoff, asked) * (1 + Math.random() * 0.25);
}

function thumbnailFailed(img, reason) {
  img.classList.remove('thumb-waiting');
  img.classList.add('thumb-failed');
  img.removeAttribute('src'); // no broken-image icon: the card's placeholder shows, the reason in its title
  img.title = reason;
}
