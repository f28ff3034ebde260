// Blocks that scroll sideways (wide display maths, wide tables, a figure's data table, wide
// output) are made reachable by keyboard, as WCAG 2.1.1 asks of scrollable regions (axe-core
// rule scrollable-region-focusable), and marked `itt-scrolls`, which the theme draws with a
// fading edge as the scroll cue.
//
// Whether a block scrolls depends on the screen width, on the web fonts and on content drawn
// after the page view (KaTeX, figures, live demo output). So the check is by what a block
// does, not by a list of classes: any element in the article whose content overflows a box
// that scrolls sideways. It runs after every page view (after KaTeX, whose script subscribes
// first), when the fonts arrive, on resize and when the article's content changes.
(() => {
  const MARK = "data-itt-scroll-focus";
  const LABELS = [
    [".arithmatex, .katex-display", "Equation"],
    ["table, .md-typeset__table, .md-typeset__scrollwrap", "Table"],
    ["pre", "Text"],
  ];

  // Glyph metrics make inline maths overflow its box by a pixel or two; that hides nothing
  // and must not add a tab stop. (axe-core ignores up to 13 px; a hidden character is more.)
  const SLACK_PX = 4;

  function scrollsSideways(element) {
    if (element.scrollWidth <= element.clientWidth + SLACK_PX) return false;
    const overflow = getComputedStyle(element).overflowX;
    return overflow === "auto" || overflow === "scroll";
  }

  function labelFor(element) {
    const match = LABELS.find(([selector]) => element.matches(selector) || element.querySelector(selector));
    return `${match ? match[1] : "Content"} (scrolls sideways)`;
  }

  function mark(element) {
    element.classList.add("itt-scrolls");
    if (element.hasAttribute("tabindex")) return;
    element.setAttribute(MARK, "");
    element.tabIndex = 0;
    // A named group, not a region: a page holds many of these, and regions are landmarks.
    element.setAttribute("role", "group");
    element.setAttribute("aria-label", labelFor(element));
  }

  function unmark(element) {
    element.classList.remove("itt-scrolls");
    if (!element.hasAttribute(MARK)) return;
    element.removeAttribute(MARK);
    element.removeAttribute("tabindex");
    element.removeAttribute("role");
    element.removeAttribute("aria-label");
  }

  // Inside typeset maths and drawings nothing scrolls (a display formula's box does, and it is
  // checked): skipping their thousands of nodes (KaTeX's spans, SVG shapes) keeps the check
  // short, as it runs while Python starts.
  const INSIDE_NOTHING_SCROLLS = ".katex, svg";
  const skipInside = {
    acceptNode: (node) => (node.matches(INSIDE_NOTHING_SCROLLS) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  };

  function update() {
    const article = document.querySelector("article") || document.body;
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_ELEMENT, skipInside);
    for (let element = walker.nextNode(); element; element = walker.nextNode()) {
      if (scrollsSideways(element)) mark(element);
      else if (element.classList.contains("itt-scrolls")) unmark(element);
    }
  }

  // While a check is scheduled, <html data-itt-scroll-pending> says so (tests wait on it).
  let timer = null;
  const root = document.documentElement;
  const later = () => {
    clearTimeout(timer);
    root.setAttribute("data-itt-scroll-pending", "");
    timer = setTimeout(() => {
      update();
      root.removeAttribute("data-itt-scroll-pending");
    }, 150);
  };

  let watcher = null;
  document$.subscribe(() => {
    update();
    // Figures and live output are drawn after the page view; look again once they settle.
    if (watcher) watcher.disconnect();
    const article = document.querySelector("article");
    if (article && window.MutationObserver) {
      watcher = new MutationObserver(later);
      watcher.observe(article, { childList: true, subtree: true });
    }
  });
  window.addEventListener("resize", later);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(later);
})();
