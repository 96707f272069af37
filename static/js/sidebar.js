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
