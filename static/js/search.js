// Dashboard area: search. Loaded after app.js and before Alpine (components register on alpine:init).
// On the search page, the rail's Search link (and its "/" shortcut) focuses the search box instead of
// reloading the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest('a[data-shortcut="search"]');
    if (!link) return;
    var input = document.getElementById("search-input");
    if (!input) return;
    event.preventDefault();
    input.focus();
    if (input.select) input.select();
  });
})();
