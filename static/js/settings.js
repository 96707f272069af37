// Dashboard area: settings. Loaded after app.js and before Alpine (components register on alpine:init).

// ---------- Account, Agents, Teams (src/web/settings/account-team.tsx) ----------
(function () {
  "use strict";

  // <a data-account-team-dialog="id"> opens <dialog id="id"> as a modal (its href is the no-JavaScript fallback).
  document.addEventListener("click", function (event) {
    var opener = event.target && event.target.closest ? event.target.closest("[data-account-team-dialog]") : null;
    if (!opener) return;
    var dialog = document.getElementById(opener.getAttribute("data-account-team-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    if (dialog.open) dialog.close();
    dialog.showModal();
  });

  // A dialog the server rendered open (a form with errors, or ?modal=…) becomes a real modal.
  function openRendered() {
    var dialogs = document.querySelectorAll("dialog[data-account-team-autoopen]");
    for (var i = 0; i < dialogs.length; i++) {
      var dialog = dialogs[i];
      if (typeof dialog.showModal !== "function") continue;
      if (dialog.open) dialog.close();
      dialog.showModal();
      var invalid = dialog.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openRendered);
  else openRendered();

  document.addEventListener("alpine:init", function () {
    // The account id with a copy button.
    window.Alpine.data("accountCopy", function () {
      return {
        copied: false,
        copy: function () {
          var self = this;
          var value = this.$refs.value ? this.$refs.value.getAttribute("data-value") : "";
          if (!navigator.clipboard) return;
          navigator.clipboard.writeText(value || "").then(function () {
            self.copied = true;
            setTimeout(function () {
              self.copied = false;
            }, 1600);
          });
        },
        label: function () {
          return this.copied ? "Copied" : "Copy";
        },
      };
    });
  });
})();

// ---------- Inboxes, Labels, Custom roles, Profile (src/web/settings/inbox-label-role-profile.tsx) ----------
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // The label colour picker shows the chosen hex value next to it as it changes.
    Alpine.data("labelColor", function () {
      return {
        value: "",
        init: function () {
          this.value = this.$refs.input ? this.$refs.input.value : "";
        },
        update: function () {
          this.value = this.$refs.input.value;
        },
      };
    });
  });
})();
