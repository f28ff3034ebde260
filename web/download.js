// Saving something from the page as a file: the figures' SVG/PNG export and a demo's
// "Download .py / result" buttons both go through here.

/** Save `url` (a blob: or data: URL) as the file `name`, through a temporary link. */
export function downloadUrl(name, url) {
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Save `text` as the file `name` of MIME type `type`. */
export function downloadText(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadUrl(name, url);
  // The click has handed the blob to the browser's download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
