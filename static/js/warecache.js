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

  /* <form data-wc-request-errors data-wc-error-network="…" data-wc-error-status="… {status} …">:
     when an htmx request of the form fails outright (a server error, a refusal other than the
     422 base.html swaps in, no network), htmx swaps nothing, so without this the page would
     stay silent. The sentence goes into the form's [data-wc-request-error] box, and its
     [data-wc-refocus] input is emptied and focused: a scanner types the next code there, and
     the refused text must not become its start. */
  var FALLBACK_MESSAGES = {
    network: "No answer from the server: check the network, then try again.",
    status: "The server could not do this (error {status}). Try again."
  };

  function requestRegion(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest ? elt.closest("[data-wc-request-errors]") : null;
  }

  function showRequestFailure(region, kind, status) {
    var template = region.getAttribute("data-wc-error-" + kind) || FALLBACK_MESSAGES[kind];
    var box = region.querySelector("[data-wc-request-error]");
    if (box) {
      box.textContent = template.replace("{status}", String(status));
      box.setAttribute("role", "alert");
      box.hidden = false;
    }
    var input = region.querySelector("[data-wc-refocus]");
    if (input) {
      input.value = "";
      input.focus();
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    // A new attempt: the last failure's sentence goes, so a repeated one is seen as new.
    var region = requestRegion(event);
    var box = region && region.querySelector("[data-wc-request-error]");
    if (box) {
      box.hidden = true;
      box.removeAttribute("role");
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var region = requestRegion(event);
    if (region) {
      showRequestFailure(region, "status", event.detail.xhr ? event.detail.xhr.status : "?");
    }
  });

  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var region = requestRegion(event);
      if (region) {
        showRequestFailure(region, "network", 0);
      }
    });
  });
})();
