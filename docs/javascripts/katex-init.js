// Renders the maths that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \] inside
// <span class="arithmatex"> / <div class="arithmatex">. Only those elements are touched, so a
// dollar sign in prose or a demo's output is never taken for maths. Runs on every page view,
// so it also works after Material's instant navigation. KaTeX is vendored (assets/build/katex/).
//
// A display equation wider than the column (on a phone) scrolls sideways inside its block:
// such a block is made keyboard-reachable (a scrollable region must be, WCAG 2.1.1) and marked
// `itt-scrolls`, which the theme draws with a fading edge as the scroll cue.
function markScrollingEquations(body) {
  body.querySelectorAll("div.arithmatex").forEach((block) => {
    const scrolls = block.scrollWidth > block.clientWidth + 1;
    block.classList.toggle("itt-scrolls", scrolls);
    if (scrolls) {
      block.tabIndex = 0;
      block.setAttribute("role", "region");
      block.setAttribute("aria-label", "Equation (scrolls sideways)");
    } else if (block.getAttribute("role") === "region") {
      block.removeAttribute("tabindex");
      block.removeAttribute("role");
      block.removeAttribute("aria-label");
    }
  });
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => markScrollingEquations(document.body), 150);
});

document$.subscribe(({ body }) => {
  body.querySelectorAll(".arithmatex").forEach((element) => {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  });
  markScrollingEquations(body);
});
