// Uploads downscaled in the browser: the model sees 224 x 224 pixels, so a 12-megapixel photo sent whole costs upload
// time for nothing. The photo is drawn EXIF-oriented (so the copy sent is upright as the original shows) at a size
// whose shorter side keeps UPLOAD_MIN_SIDE pixels, twice the model's input, so the server's own resize to 224 still
// has detail to average (its JPEG fast path keeps at least 320 for the same reason). Smaller photos, and formats the
// browser cannot decode (HEIC, TIFF), go as they are.

const UPLOAD_MIN_SIDE = 448;

/** The file to send for `file`: a downscaled JPEG when that is much smaller, else the file itself. */
export async function prepareUpload(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    return file; // not decodable here: the server decodes it (or names the reason it cannot)
  }
  try {
    const scale = UPLOAD_MIN_SIDE / Math.min(bitmap.width, bitmap.height);
    if (scale > 0.75) return file; // not worth re-encoding: the saving is small and the original is exact
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const g = canvas.getContext('2d');
    g.imageSmoothingQuality = 'high';
    g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    if (!blob || blob.size >= file.size) return file;
    const name = (file.name || 'pasted-image').replace(/\.[^.]*$/, '') + '.jpg';
    return new File([blob], name, { type: 'image/jpeg' });
  } finally {
    bitmap.close();
  }
}
