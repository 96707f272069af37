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

// ---------- Website inbox: Widget tab (src/web/settings/inbox-widget.tsx) ----------
(function () {
  "use strict";

  var REPLY_TIMES = {
    in_a_few_minutes: "Typically replies in a few minutes",
    in_a_few_hours: "Typically replies in a few hours",
    in_a_day: "Typically replies in a day",
  };
  var DEFAULT_TITLE = "Hi there ! 🙌🏼";
  var DEFAULT_TAGLINE = "We make it simple to connect with us. Ask us anything, or share your feedback.";

  document.addEventListener("alpine:init", function () {
    // The preview beside the widget settings follows the form as the admin types (colour, welcome text, reply time).
    window.Alpine.data("widgetPreview", function () {
      return {
        title: "",
        tagline: "",
        replyText: "",
        color: "",
        init: function () {
          this.sync();
        },
        field: function (name) {
          var el = this.$root.elements ? this.$root.elements.namedItem(name) : null;
          return el && typeof el.value === "string" ? el.value : "";
        },
        sync: function () {
          this.title = this.field("welcome_title").trim() || DEFAULT_TITLE;
          this.tagline = this.field("welcome_tagline").trim() || DEFAULT_TAGLINE;
          this.replyText = REPLY_TIMES[this.field("reply_time")] || REPLY_TIMES.in_a_few_minutes;
          var color = this.field("widget_color");
          this.color = /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#1f93ff";
          // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
          this.$root.style.setProperty("--widget-color", this.color);
        },
      };
    });
  });
})();
