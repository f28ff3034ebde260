// The failing line of a run's traceback (issue 17), shown in the editor by error-line-mark.js.

/** The last line of `filename` named in `traceback` (the reader's failing line), or null. */
export function failingLine(traceback, filename) {
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`File "${escaped}", line ([0-9]+)`, "g");
  let line = null;
  for (const match of String(traceback || "").matchAll(pattern)) line = Number(match[1]);
  return line;
}
