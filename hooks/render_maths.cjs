// Build-time maths (hooks/maths.py): reads a JSON list of [tex, display] pairs on stdin and
// writes the list of KaTeX HTML strings on stdout, in the same order. The site's own KaTeX
// (node_modules) renders them, so the page needs only KaTeX's CSS and fonts. A formula KaTeX
// rejects is written as red source text (throwOnError false), as the browser would show it;
// tests/site/test_katex.py fails the build's tests on any such formula.
const path = require("path");
const katex = require(path.join(__dirname, "..", "node_modules", "katex"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const formulas = JSON.parse(input);
  const rendered = formulas.map(([tex, display]) =>
    katex.renderToString(tex, { displayMode: display, throwOnError: false }));
  process.stdout.write(JSON.stringify(rendered));
});
