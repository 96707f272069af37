// Dashboard area: contacts. Loaded after app.js and before Alpine (components register on alpine:init).
(function () {
  "use strict";

  // The "Export CSV" link follows the list's search and filters, which htmx changes without a reload.
  function syncExportLink() {
    var form = document.getElementById("contacts-filters");
    var link = document.getElementById("export-contacts");
    if (!form || !link) return;
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value !== "") params.append(key, value);
    });
    var query = params.toString();
    link.setAttribute("href", form.getAttribute("data-export-base") + (query ? "?" + query : ""));
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.form && event.target.form.id === "contacts-filters") syncExportLink();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.form && event.target.form.id === "contacts-filters") syncExportLink();
  });
  document.addEventListener("DOMContentLoaded", syncExportLink);

  // Live list: a contact created, changed, merged or deleted anywhere refreshes the results (at most twice a second).
  var refreshTimer = null;
  document.addEventListener("parley:realtime", function (event) {
    var name = event.detail && event.detail.event;
    if (typeof name !== "string" || name.indexOf("contact.") !== 0) return;
    if (!document.getElementById("contacts-results") || refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      document.dispatchEvent(new CustomEvent("contacts-changed"));
    }, 500);
  });

  // Phone width: the filters fold away behind a "Filters" button.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("#contacts-filter-toggle") : null;
    if (!button) return;
    var row = document.getElementById("contacts-filter-row");
    if (!row) return;
    var open = row.classList.toggle("is-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // After a notes swap swaps in its candidates, keep the keyboard in the search box.
  document.addEventListener("htmx:after:swap", function () {
    var notes = document.getElementById("f-note-content");
    if (notes && document.activeElement === document.body && notes.closest("#contact-notes")) notes.focus();
  });
})();
