// Parley dashboard behaviour. Loaded before Alpine's CSP build, which cannot evaluate inline code:
// every component is registered here with Alpine.data and referenced by name from the markup.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the CSRF token as a header (forms also carry it as a hidden _csrf field).
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx && ctx.request && ctx.request.headers) ctx.request.headers["X-CSRF-Token"] = csrfToken();
  });

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // A menu that opens on click and closes on outside click, Escape, or choosing an item.
    Alpine.data("menu", function () {
      return {
        open: false,
        toggle: function () {
          this.open = !this.open;
        },
        close: function () {
          this.open = false;
        },
        closeAndFocus: function () {
          if (!this.open) return;
          this.open = false;
          if (this.$refs.button) this.$refs.button.focus();
        },
      };
    });

    // A secret shown masked until revealed, with a copy button.
    Alpine.data("secret", function () {
      return {
        revealed: false,
        copied: false,
        toggle: function () {
          this.revealed = !this.revealed;
        },
        label: function () {
          return this.revealed ? "Hide" : "Show";
        },
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
        copyLabel: function () {
          return this.copied ? "Copied" : "Copy";
        },
      };
    });

    // A dismissible notice.
    Alpine.data("notice", function () {
      return {
        shown: true,
        dismiss: function () {
          this.shown = false;
        },
      };
    });
  });

  // The rail's unread-notifications badge follows notification.created / updated / deleted (payload: unread_count).
  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    if (!/^notification\./.test(detail.event || "") || !detail.data || typeof detail.data.unread_count !== "number") return;
    var n = detail.data.unread_count;
    document.querySelectorAll("[data-notification-badge]").forEach(function (badge) {
      badge.textContent = n > 99 ? "99+" : String(n);
      badge.hidden = n === 0;
    });
  });

  // Buttons that ask before a destructive action: <button data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();
