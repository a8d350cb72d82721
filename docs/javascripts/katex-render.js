// Render the maths that pymdownx.arithmatex (generic mode) wraps in
// <span class="arithmatex">\( ... \)</span> and <div class="arithmatex">\[ ... \]</div>,
// with the KaTeX vendored beside this file (no network). Material's instant
// navigation swaps pages without a reload: document$ fires for each page.
function renderMaths() {
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
        { left: "$$", right: "$$", display: true },
      ],
      throwOnError: false,
    });
  }
  // Notebook pages (mkdocs-jupyter) keep $...$ in their Markdown cells.
  for (const element of document.querySelectorAll(".jp-MarkdownOutput, .jp-RenderedMarkdown")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(renderMaths);
} else {
  document.addEventListener("DOMContentLoaded", renderMaths);
}
