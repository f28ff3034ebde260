// Makes blocks that scroll sideways (wide display maths, wide tables) reachable by keyboard,
// as WCAG asks of scrollable regions (axe-core rule scrollable-region-focusable). Whether a
// block scrolls depends on the screen width, so this is checked after every page view
// (after KaTeX, whose script subscribes first) and again when the window is resized.
(() => {
  const SCROLLERS = ".katex-display, .md-typeset__scrollwrap";

  function update(root) {
    root.querySelectorAll(SCROLLERS).forEach((element) => {
      const scrolls = element.scrollWidth > element.clientWidth + 1;
      const ours = element.hasAttribute("data-itt-scroll-focus");
      if (scrolls && !element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
        element.setAttribute("data-itt-scroll-focus", "");
      } else if (!scrolls && ours) {
        element.removeAttribute("tabindex");
        element.removeAttribute("data-itt-scroll-focus");
      }
    });
  }

  let timer = null;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(document.body), 150);
  };
  document$.subscribe(({ body }) => update(body));
  window.addEventListener("resize", later);
  // Web fonts change text widths once they arrive.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(later);
})();
