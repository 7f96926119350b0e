// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Copy buttons: shown only where the Clipboard API exists.
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      navigator.clipboard.writeText(source.value || source.textContent).then(function () {
        var original = button.textContent;
        button.textContent = button.getAttribute("data-copied") || "✓";
        setTimeout(function () { button.textContent = original; }, 2000);
      });
    });
  });
  // Move focus to the error summary so screen readers announce it at once.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // An error link focuses the question's first answer, but the browser would scroll that
    // answer to the top of the screen and the question above it out of view: show the
    // question (its legend or label) first, then focus without scrolling again.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      var question = input.closest(".question");
      if (!question) return;
      event.preventDefault();
      question.scrollIntoView({ block: "start" });
      input.focus({ preventScroll: true });
      if (window.history && history.replaceState) history.replaceState(null, "", link.hash);
    });
  }
})();
