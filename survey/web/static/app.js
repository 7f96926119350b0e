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
  if (summary) summary.focus();
})();
