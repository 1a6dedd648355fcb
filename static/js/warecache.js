/* Warecache's small behaviours, attached through data-* attributes (no inline handlers).
   Listeners sit on the document, so fragments swapped in by htmx work without re-binding. */
(function () {
  "use strict";

  // <button data-copy-target="#some-id">: copies that element's text (or value).
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP deployments have no Clipboard API: fall back to a hidden textarea.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error("copy failed"));
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var source = document.querySelector(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    var text = "value" in source ? source.value : source.textContent.trim();
    var label = button.textContent;
    copyText(text).then(
      function () {
        button.textContent = button.getAttribute("data-copied-label") || "Copied";
      },
      function () {
        button.textContent = "Select and copy manually";
      }
    ).then(function () {
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    });
  });
})();
