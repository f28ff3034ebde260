// Which lines of a demo's source fold away (the book's plumbing, never the reader's lines):
// presentation.js says what folds and why; editor-folds.js folds them in the editor. Plain
// functions of the text, with no editor involved.

const IMPORT = /^(import\s|from\s+\S+\s+import\s)/;
const HIDE = /^\s*#\s*@hide\b/;
const SHOW = /^\s*#\s*@show\b/;
const RESULT = /^result\s*=\s*[{(]/;

/** [{from, to, label}] line ranges (0-based, inclusive) of `source` to fold. */
export function foldLineRanges(source) {
  const lines = source.split("\n");
  const ranges = [];
  let index = 0;
  // Header comment.
  while (index < lines.length && lines[index].startsWith("#") && !/^#\s*@/.test(lines[index])) index += 1;
  if (index > 0) ranges.push({ from: 0, to: index - 1, label: "about this demo" });
  // Import block (imports, blank lines and comments between them).
  let first = -1;
  let last = -1;
  for (let at = index; at < lines.length; at += 1) {
    const line = lines[at];
    if (IMPORT.test(line)) {
      if (first < 0) first = at;
      last = at;
    } else if (line.trim() === "" || (line.startsWith("#") && first >= 0 && !/^#\s*@/.test(line))) {
      continue;
    } else {
      break;
    }
  }
  if (first >= 0) ranges.push({ from: first, to: last, label: "imports" });
  // `# @hide` ... `# @show` regions.
  for (let at = 0; at < lines.length; at += 1) {
    if (!HIDE.test(lines[at])) continue;
    let end = at + 1;
    while (end < lines.length && !SHOW.test(lines[end])) end += 1;
    ranges.push({ from: at, to: Math.min(end, lines.length - 1), label: "book code" });
    at = end;
  }
  // The closing result dictionary: from `result = {` to the line that closes it.
  for (let at = 0; at < lines.length; at += 1) {
    if (!RESULT.test(lines[at])) continue;
    let depth = 0;
    let end = at;
    for (; end < lines.length; end += 1) {
      for (const char of lines[end].replace(/#.*$/, "")) {
        if ("{([".includes(char)) depth += 1;
        else if ("})]".includes(char)) depth -= 1;
      }
      if (depth <= 0) break;
    }
    ranges.push({ from: at, to: Math.min(end, lines.length - 1), label: "result for the page" });
  }
  return ranges;
}

/** What a folded range holds, in a few words, from its text. */
export function foldLabel(text) {
  const kinds = [];
  for (const line of text.split("\n")) {
    let kind = null;
    if (HIDE.test(line)) kind = "book code";
    else if (IMPORT.test(line)) kind = "imports";
    else if (RESULT.test(line)) kind = "result for the page";
    else if (line.startsWith("#") && !kinds.length) kind = "about this demo";
    if (kind && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds.join(", ") || "book code";
}

/** Line ranges merged where only blank lines separate them (one fold, not two in a row). */
export function mergedRanges(ranges, lines) {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out = [];
  for (const range of sorted) {
    const previous = out[out.length - 1];
    const gapBlank = previous && lines.slice(previous.to + 1, range.from).every((line) => line.trim() === "");
    if (previous && (range.from <= previous.to + 1 || gapBlank)) {
      previous.to = Math.max(previous.to, range.to);
    } else {
      out.push({ ...range });
    }
  }
  return out;
}
