// Renders every $...$ and $$...$$ of the Markdown files named on the command line with the
// site's own KaTeX (node_modules), printing one line per expression KaTeX rejects.
const fs = require("fs");
const path = require("path");
const katex = require(path.join(__dirname, "..", "..", "node_modules", "katex"));

const MATH = /\$\$([\s\S]*?)\$\$|\$([^$\n]+?)\$/g;
const FENCE = /^(```|~~~)[\s\S]*?^\1/gm;
let failures = 0;
for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, "utf8").replace(FENCE, "");
  for (const match of source.matchAll(MATH)) {
    const tex = match[1] !== undefined ? match[1] : match[2];
    if (/\{\{/.test(tex)) continue; // a prose-number macro inside maths is filled at build time
    try {
      katex.renderToString(tex, { displayMode: match[1] !== undefined, throwOnError: true });
    } catch (error) {
      failures += 1;
      console.log(`${file}: ${tex.trim().slice(0, 80)} => ${error.message.split("\n")[0]}`);
    }
  }
}
process.exit(failures ? 1 : 0);
