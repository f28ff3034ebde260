// Renders the maths that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \] inside
// <span class="arithmatex"> / <div class="arithmatex">. Only those elements are touched, so a
// dollar sign in prose or a demo's output is never taken for maths. Runs on every page view,
// so it also works after Material's instant navigation. KaTeX is vendored (assets/build/katex/).

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
});
