// sla (issue 8): keeps the workspace's SLA badges and the sidebar's SLA card current.
// - The sidebar card (#sidebar-section-sla, views/pages/conversations/sla.tsx) is reloaded from its
//   data-sla-card-url when a realtime conversation.updated / status change names the open conversation.
// - Countdowns ("First response due in 42m") and their states (on time → due soon → missed) are recomputed every
//   30 seconds from data-sla-due-at / data-sla-soon-at, so they move between server events.
(function () {
  "use strict";

  var STATE_TEXT = { on_time: "On time", due_soon: "Due soon", missed: "Missed" };
  var STATES = ["on_time", "due_soon", "missed", "hit"];

  function duration(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m";
    var h = Math.floor(m / 60);
    if (h < 48) return m % 60 ? h + "h " + (m % 60) + "m" : h + "h";
    var d = Math.floor(h / 24);
    return h % 24 ? d + "d " + (h % 24) + "h" : d + "d";
  }

  function setStateClass(el, prefix, state) {
    for (var i = 0; i < STATES.length; i++) el.classList.remove(prefix + STATES[i]);
    el.classList.add(prefix + state);
  }

  function tick() {
    var now = Date.now();
    var items = document.querySelectorAll("[data-sla-due-at]");
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var due = Number(el.getAttribute("data-sla-due-at"));
      var soon = Number(el.getAttribute("data-sla-soon-at"));
      if (!due) continue;
      var state = now >= due ? "missed" : now > soon ? "due_soon" : "on_time";
      var label = el.getAttribute("data-sla-label") || "";
      var headline = now < due ? label + " due in " + duration(due - now) : label + " overdue by " + duration(now - due);
      var stateText = el.querySelector('[data-sla-text="state"]');
      if (stateText) stateText.textContent = STATE_TEXT[state];
      var headlineText = el.querySelector('[data-sla-text="headline"]');
      if (headlineText) headlineText.textContent = headline;
      if (el.hasAttribute("data-sla-badge")) {
        setStateClass(el, "sla-badge-", state);
        el.setAttribute("data-sla-state", state);
        var title = el.getAttribute("title") || "";
        el.setAttribute("title", title.replace(/:.*$/, ": " + headline));
      } else if (el.classList.contains("sla-target")) {
        setStateClass(el, "sla-target-", state);
      }
    }
  }

  function reloadCard() {
    var card = document.getElementById("sidebar-section-sla");
    var url = card && card.getAttribute("data-sla-card-url");
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true", accept: "text/html" } })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var current = document.getElementById("sidebar-section-sla");
        if (!current || current.getAttribute("data-sla-card-url") !== url) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var next = holder.querySelector("#sidebar-section-sla");
        if (!next) return;
        current.replaceWith(next);
        if (window.htmx && window.htmx.process) window.htmx.process(next);
        tick();
      })
      .catch(function () {
        // the next event or a reload brings it up to date
      });
  }

  var EVENTS = { "conversation.updated": 1, "conversation.status_changed": 1 };
  var timer = null;

  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    if (!EVENTS[detail.event]) return;
    var pane = document.getElementById("sidebar-pane");
    var open = pane && pane.getAttribute("data-conversation-id");
    var data = detail.data || {};
    if (!open || String(data.id) !== open) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      reloadCard();
    }, 150);
  });

  document.addEventListener("htmx:after:swap", tick);
  document.addEventListener("parley:list-refreshed", tick);
  setInterval(tick, 30000);
})();
