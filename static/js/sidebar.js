// Dashboard area: sidebar. Loaded after app.js and before Alpine (components register on alpine:init).
// 1. Dashboard apps: each app panel of the conversation pane holds an iframe; it gets the appContext payload
//    (as a JSON string, as Chatwoot sends it) when it loads and whenever its panel is shown, and again when it
//    asks with "chatwoot-dashboard-app:fetch-info". Messages go to the app's own origin only, and requests are
//    answered only when they come from that iframe's window and origin.
// 2. Sidebar: collapsible sections remembered in localStorage, live re-render of sections on realtime events.
(function () {
  "use strict";

  var FETCH_INFO = "chatwoot-dashboard-app:fetch-info";
  var PANEL = "[data-dashboard-app]";

  function frameOf(panel) {
    return panel.querySelector("iframe");
  }

  // Whether the iframe shows a document yet: before its first load it is about:blank on our origin; once the
  // app's page is in, reading its location throws (another origin).
  function frameLoaded(frame) {
    try {
      var href = frame.contentWindow && frame.contentWindow.location.href;
      return !!href && href !== "about:blank";
    } catch (e) {
      return true;
    }
  }

  function isShown(panel) {
    return !panel.hidden && panel.getClientRects().length > 0;
  }

  function postContext(panel) {
    var frame = frameOf(panel);
    var origin = panel.getAttribute("data-app-origin");
    var url = panel.getAttribute("data-context-url");
    if (!frame || !origin || !url || !frameLoaded(frame)) return;
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (payload) {
        if (!payload || !frame.contentWindow || !frame.isConnected) return;
        frame.contentWindow.postMessage(JSON.stringify(payload), origin);
      })
      .catch(function () {
        // offline or logged out: the app asks again with fetch-info
      });
  }

  function setUp(panel) {
    if (panel.__parleyApp) return;
    panel.__parleyApp = { shown: isShown(panel) };
    var frame = frameOf(panel);
    if (frame) {
      frame.addEventListener("load", function () {
        postContext(panel);
      });
      if (frameLoaded(frame)) postContext(panel);
    }
  }

  function scan() {
    var panels = document.querySelectorAll(PANEL);
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      if (!panel.__parleyApp) {
        setUp(panel);
        continue;
      }
      var shown = isShown(panel);
      if (shown && !panel.__parleyApp.shown) postContext(panel);
      panel.__parleyApp.shown = shown;
    }
  }

  window.addEventListener("message", function (event) {
    if (event.data !== FETCH_INFO) return;
    var panels = document.querySelectorAll(PANEL);
    for (var i = 0; i < panels.length; i++) {
      var frame = frameOf(panels[i]);
      if (frame && event.source === frame.contentWindow && event.origin === panels[i].getAttribute("data-app-origin")) postContext(panels[i]);
    }
  });

  // Panels arrive with htmx swaps and are shown by the pane's tab switching (hidden / class changes).
  var scheduled = false;
  function scheduleScan() {
    if (scheduled) return;
    scheduled = true;
    (window.requestAnimationFrame || setTimeout)(function () {
      scheduled = false;
      scan();
    });
  }
  function watch() {
    scan();
    new MutationObserver(scheduleScan).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "class", "aria-selected"] });
    document.addEventListener("click", function (event) {
      if (event.target && event.target.closest && event.target.closest("[data-dashboard-app-tab]")) scheduleScan();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();

// Sidebar: collapsible sections (state kept in localStorage), and sections re-rendered when a realtime event
// changes the open conversation or its contact.
(function () {
  "use strict";

  var STORE = "parley.sidebar.collapsed";

  function collapsed() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function apply(section, isCollapsed) {
    var toggle = section.querySelector("[data-sidebar-toggle]");
    var body = section.querySelector(".sidebar-section-body");
    if (!toggle || !body) return;
    toggle.setAttribute("aria-expanded", isCollapsed ? "false" : "true");
    body.hidden = !!isCollapsed;
  }

  function applyAll(root) {
    var state = collapsed();
    var sections = (root || document).querySelectorAll(".sidebar-section[data-section]");
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].__parleySection) continue;
      sections[i].__parleySection = true;
      apply(sections[i], state[sections[i].getAttribute("data-section")]);
    }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target && event.target.closest ? event.target.closest("[data-sidebar-toggle]") : null;
    if (!toggle) return;
    var key = toggle.getAttribute("data-sidebar-toggle");
    var state = collapsed();
    var next = toggle.getAttribute("aria-expanded") === "true";
    if (next) state[key] = true;
    else delete state[key];
    try {
      localStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) {
      // private mode: the state lasts for this page only
    }
    var sections = document.querySelectorAll('.sidebar-section[data-section="' + key + '"]');
    for (var i = 0; i < sections.length; i++) apply(sections[i], next);
  });

  // Which sections an event changes.
  var CONVERSATION_EVENTS = {
    "assignee.changed": ["actions"],
    "team.changed": ["actions"],
    "conversation.updated": ["actions", "labels", "participants", "attributes", "info"],
    "conversation.status_changed": ["info"],
  };

  function refresh(base, key) {
    fetch(base + "/" + key, { credentials: "same-origin", headers: { "HX-Request": "true", accept: "text/html" } })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var current = document.getElementById("sidebar-section-" + key);
        if (!current) return;
        var focusedId = document.activeElement && current.contains(document.activeElement) ? document.activeElement.id : null;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var next = holder.querySelector("#sidebar-section-" + key);
        if (!next) return;
        current.replaceWith(next);
        applyAll(next.parentNode);
        if (window.htmx && window.htmx.process) window.htmx.process(next);
        if (focusedId) {
          var again = document.getElementById(focusedId);
          if (again) again.focus();
        }
      })
      .catch(function () {
        // the next event or a reload brings it up to date
      });
  }

  function setDot(dot, online) {
    dot.classList.toggle("is-online", online);
    dot.setAttribute("aria-label", dot.getAttribute("data-presence-label") + (online ? " is online" : " is offline"));
  }

  // presence.update: {account_id, users: {id: availability}, contacts: {id: "online"}} lists who is online now.
  function updatePresence(data) {
    var users = data.users || {};
    var userDots = document.querySelectorAll("#sidebar-pane [data-presence-user]");
    for (var i = 0; i < userDots.length; i++) {
      // Present in the map = connected (or auto-offline turned off); the value is the chosen availability.
      setDot(userDots[i], Object.prototype.hasOwnProperty.call(users, userDots[i].getAttribute("data-presence-user")));
    }
    if (!data.contacts) return;
    var contactDots = document.querySelectorAll("#sidebar-pane [data-presence-contact]");
    for (var j = 0; j < contactDots.length; j++) setDot(contactDots[j], data.contacts[contactDots[j].getAttribute("data-presence-contact")] === "online");
  }

  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    var data = detail.data || {};
    if (detail.event === "presence.update") return updatePresence(data);
    var pane = document.getElementById("sidebar-pane");
    var content = pane && pane.querySelector(".sidebar-content");
    if (!content) return;
    var base = content.getAttribute("data-sections-url");
    var open = pane.getAttribute("data-conversation-id");
    var keys = [];
    if (detail.event === "contact.updated") {
      if (String(data.id) === content.getAttribute("data-contact-id")) keys = ["contact"];
    } else if (CONVERSATION_EVENTS[detail.event] && open && String(data.id) === open) {
      keys = CONVERSATION_EVENTS[detail.event];
    }
    for (var i = 0; i < keys.length; i++) refresh(base, keys[i]);
  });

  function start() {
    applyAll(document);
    new MutationObserver(function () {
      applyAll(document);
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
