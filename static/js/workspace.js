// Dashboard area: workspace. Loaded after app.js and before Alpine (components register on alpine:init).
// The conversation list (live refresh, open-row highlight, phone layout) and the dashboard's keyboard shortcuts.
(function () {
  "use strict";

  // ---------- Keyboard shortcuts ----------
  // A shortcut named X clicks (or focuses, for a text field) the first visible element with data-shortcut="X"
  // (text fields first); the rail, the conversation and the sidebar panes put those attributes on their controls.

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function isTextField(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"].indexOf(type) === -1;
  }

  function runShortcut(name) {
    var all = Array.prototype.slice.call(document.querySelectorAll('[data-shortcut="' + name + '"]'));
    // A field to type in (the list's search box) wins over a link to a page that has one (the rail's Search).
    all.sort(function (a, b) {
      return (isTextField(b) ? 1 : 0) - (isTextField(a) ? 1 : 0);
    });
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!visible(el) || el.disabled) continue;
      if (isTextField(el)) {
        el.focus();
        if (el.select) el.select();
      } else {
        el.click();
      }
      return true;
    }
    return false;
  }

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#conversation-rows .ws-row-link"));
  }

  /** j / k: open the next or previous conversation of the list (the first one when none is open). */
  function moveInList(step) {
    var links = rowLinks();
    if (!links.length) return false;
    var current = -1;
    for (var i = 0; i < links.length; i++) {
      if (links[i].closest(".ws-row").classList.contains("is-open")) current = i;
    }
    var next = current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + step));
    if (next === current) return true;
    var link = links[next];
    link.scrollIntoView({ block: "nearest" });
    link.click();
    return true;
  }

  function shortcutsDialog() {
    return document.getElementById("shortcuts-dialog");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    var target = event.target;
    if (event.key === "Escape") {
      // Escape leaves a text field (dialogs close themselves).
      if (isTextField(target) && !(shortcutsDialog() && shortcutsDialog().open)) target.blur();
      return;
    }
    if (isTextField(target)) return;
    var dialog = shortcutsDialog();
    if (dialog && dialog.open && event.key !== "?") return;

    var key = event.key;
    var handled = false;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (key === "k" || key === "K")) {
      handled = runShortcut("search");
    } else if (event.altKey && !event.ctrlKey && !event.metaKey && (key === "ArrowDown" || key === "ArrowUp")) {
      handled = moveInList(key === "ArrowDown" ? 1 : -1);
    } else if (!event.ctrlKey && !event.metaKey && !event.altKey) {
      switch (key) {
        case "j":
          handled = moveInList(1);
          break;
        case "k":
          handled = moveInList(-1);
          break;
        case "r":
          handled = runShortcut("reply");
          break;
        case "n":
          handled = runShortcut("note");
          break;
        case "e":
          handled = runShortcut("resolve");
          break;
        case "a":
          handled = runShortcut("assign-self");
          break;
        case "/":
          handled = runShortcut("search");
          break;
        case "?":
          if (dialog) {
            if (dialog.open) dialog.close();
            else dialog.showModal();
            handled = true;
          }
          break;
      }
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-dialog]");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  // ---------- The open conversation: highlight, focus, phone layout ----------

  var paneElement = null;

  function openId() {
    var pane = document.getElementById("conversation-pane");
    var id = pane ? pane.getAttribute("data-conversation-id") : "";
    return id ? Number(id) : null;
  }

  function highlightOpen() {
    var id = openId();
    var rows = document.querySelectorAll("#conversation-rows .ws-row");
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var isOpen = id !== null && row.getAttribute("data-display-id") === String(id);
      row.classList.toggle("is-open", isOpen);
      var link = row.querySelector(".ws-row-link");
      if (link) {
        if (isOpen) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
    }
    var workspace = document.getElementById("workspace");
    if (workspace) {
      workspace.classList.toggle("has-conversation", id !== null);
    }
  }

  /** After any swap: when the conversation pane is a new element, it was swapped in — focus its heading. */
  function afterSwap() {
    var pane = document.getElementById("conversation-pane");
    if (pane && pane !== paneElement) {
      var first = paneElement === null;
      paneElement = pane;
      if (!first) {
        var workspace = document.getElementById("workspace");
        if (workspace) {
          workspace.classList.remove("show-details");
          var toggle = workspace.querySelector("[data-ws-details]");
          if (toggle) toggle.setAttribute("aria-expanded", "false");
        }
        var heading = pane.querySelector("h2[tabindex='-1']") || pane.querySelector("h2");
        if (heading) {
          if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
          heading.focus({ preventScroll: true });
        } else {
          if (!pane.hasAttribute("tabindex")) pane.setAttribute("tabindex", "-1");
          pane.focus({ preventScroll: true });
        }
      }
    }
    highlightOpen();
    syncFilterTab();
  }

  document.addEventListener("htmx:after:swap", afterSwap);
  document.addEventListener("DOMContentLoaded", function () {
    paneElement = document.getElementById("conversation-pane");
    highlightOpen();
  });

  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("[data-ws-back], #conversation-pane .conversation-back");
    if (back) {
      var workspace = document.getElementById("workspace");
      if (!workspace) return;
      event.preventDefault();
      workspace.classList.remove("has-conversation", "show-details");
      var listLink = document.querySelector("[data-ws-back]");
      history.pushState(null, "", (listLink || back).getAttribute("href"));
      var openRow = document.querySelector("#conversation-rows .ws-row.is-open .ws-row-link");
      if (openRow) openRow.focus();
      return;
    }
    var details = event.target.closest && event.target.closest("[data-ws-details]");
    if (details) {
      var ws = document.getElementById("workspace");
      if (!ws) return;
      var shown = ws.classList.toggle("show-details");
      details.setAttribute("aria-expanded", shown ? "true" : "false");
      details.textContent = shown ? "Conversation" : "Details";
    }
  });

  // List requests (tabs, filters, pages) say which conversation is open: its row stays highlighted and the
  // address bar keeps it open after a filter change.
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (!ctx || !ctx.request || !ctx.request.headers) return;
    var id = openId();
    var workspace = document.getElementById("workspace");
    if (id !== null && workspace && workspace.classList.contains("has-conversation") && String(ctx.request.action || "").indexOf("/conversation-list") !== -1) {
      ctx.request.headers["X-Parley-Open"] = String(id);
    }
  });

  // The filter form keeps the current tab (tabs swap the list body, not the form).
  function syncFilterTab() {
    var current = document.querySelector("#conversation-list-body .ws-tab.is-current");
    var input = document.querySelector(".ws-filters input[name='assignee_type']");
    if (current && input) input.value = current.getAttribute("data-tab") || "me";
  }

  // ---------- Live list ----------
  // Realtime events (static/js/realtime.js) re-read the pages of the list the agent has loaded, with the current
  // filters, and swap them in place keeping the scroll position. Debounced: a burst of events is one request.

  var LIVE_EVENTS = {
    "conversation.created": 1,
    "conversation.updated": 1,
    "conversation.status_changed": 1,
    "conversation.read": 1,
    "conversation.contact_changed": 1,
    "assignee.changed": 1,
    "team.changed": 1,
    "message.created": 1,
    "message.updated": 1,
    "conversation.mentioned": 1,
  };
  var PER_PAGE = 25;
  var MAX_PAGES = 8;
  var timer = null;
  var inFlight = false;
  var again = false;

  function refreshList() {
    var body = document.getElementById("conversation-list-body");
    if (!body) return;
    if (inFlight) {
      again = true;
      return;
    }
    var rows = body.querySelectorAll("#conversation-rows .ws-row").length;
    var pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(rows / PER_PAGE)));
    var url = new URL(body.getAttribute("data-list-url"), location.href);
    url.searchParams.set("pages", String(pages));
    var id = openId();
    if (id !== null) url.searchParams.set("open", String(id));
    inFlight = true;
    fetch(url.toString(), { headers: { Accept: "text/html", "X-Parley-Refresh": "1" }, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var current = document.getElementById("conversation-list-body");
        if (!current || current.getAttribute("data-list-url") !== body.getAttribute("data-list-url")) return; // filters changed meanwhile
        var list = current.querySelector("#conversation-rows");
        var scroll = list ? list.scrollTop : 0;
        var focusedRow = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".ws-row") : null;
        var focusedId = focusedRow ? focusedRow.getAttribute("data-display-id") : null;
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var fresh = tpl.content.firstElementChild;
        if (!fresh || fresh.id !== "conversation-list-body") return;
        current.replaceWith(fresh);
        var freshList = fresh.querySelector("#conversation-rows");
        if (freshList) freshList.scrollTop = scroll;
        if (window.htmx) window.htmx.process(fresh);
        if (focusedId) {
          var link = fresh.querySelector('.ws-row[data-display-id="' + focusedId + '"] .ws-row-link');
          if (link) link.focus({ preventScroll: true });
        }
        highlightOpen();
        syncFilterTab();
        document.dispatchEvent(new CustomEvent("parley:list-refreshed"));
      })
      .catch(function () {
        // Offline for a moment: the next event refreshes again.
      })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          scheduleRefresh();
        }
      });
  }

  function scheduleRefresh() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      refreshList();
    }, 150);
  }

  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    if (LIVE_EVENTS[detail.event]) scheduleRefresh();
  });

  // Selection for bulk actions: ticked rows survive list refreshes (the ids are kept here, not in the rows), and the
  // selection bar (#ws-bulk-form) shows while at least one is ticked.
  var selected = new Set();

  function syncSelection() {
    var boxes = document.querySelectorAll(".ws-row-check");
    boxes.forEach(function (box) {
      box.checked = selected.has(box.value);
    });
    var form = document.getElementById("ws-bulk-form");
    var list = document.getElementById("conversation-list");
    if (list) list.classList.toggle("is-selecting", selected.size > 0);
    if (!form) return;
    form.hidden = selected.size === 0;
    var count = form.querySelector("[data-bulk-count]");
    if (count) count.textContent = selected.size + " selected";
    // Ticked rows that are no longer in the list (filtered out, resolved elsewhere) still go with the form.
    form.querySelectorAll("input[data-bulk-extra]").forEach(function (el) {
      el.remove();
    });
    selected.forEach(function (id) {
      if (document.querySelector('.ws-row-check[value="' + id + '"]')) return;
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "ids";
      hidden.value = id;
      hidden.setAttribute("data-bulk-extra", "");
      form.appendChild(hidden);
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("ws-row-check")) return;
    if (box.checked) selected.add(box.value);
    else selected.delete(box.value);
    syncSelection();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-bulk-all], [data-bulk-clear]") : null;
    if (!target) return;
    if (target.hasAttribute("data-bulk-all")) {
      document.querySelectorAll(".ws-row-check").forEach(function (box) {
        selected.add(box.value);
      });
    } else {
      selected.clear();
      var result = document.getElementById("ws-bulk-result");
      if (result) result.textContent = "";
    }
    syncSelection();
  });

  document.addEventListener("parley:list-refreshed", syncSelection);
  document.addEventListener("htmx:after:swap", syncSelection);

  // After a bulk action (its result line swapped into #ws-bulk-result): the selection is cleared, the line stays a
  // moment, and the list is read again.
  document.addEventListener("htmx:after:swap", function () {
    var done = document.querySelector("#ws-bulk-result [data-bulk-done]:not([data-seen])");
    if (!done) return;
    done.setAttribute("data-seen", "");
    selected.clear();
    syncSelection();
    var bar = document.getElementById("ws-bulk-form");
    if (bar) bar.hidden = false;
    setTimeout(function () {
      if (selected.size === 0 && bar && bar.contains(done)) {
        bar.hidden = true;
        done.remove();
      }
    }, 4000);
    scheduleRefresh();
  });

  // Events missed while the socket was down: re-read the list when it reconnects (not on the first connect).
  var connectedBefore = false;
  document.addEventListener("parley:realtime-status", function (event) {
    var connected = !!(event.detail && event.detail.connected);
    if (connected && connectedBefore) scheduleRefresh();
    if (connected) connectedBefore = true;
  });

  // "5m", "3h", "2d" as the server writes them, kept current while the page stays open.
  function ago(ms) {
    var d = Math.max(0, ms);
    if (d < 60000) return "now";
    if (d < 3600000) return Math.floor(d / 60000) + "m";
    if (d < 86400000) return Math.floor(d / 3600000) + "h";
    return Math.floor(d / 86400000) + "d";
  }
  setInterval(function () {
    var times = document.querySelectorAll("#conversation-rows .ws-row-time[datetime]");
    var now = Date.now();
    for (var i = 0; i < times.length; i++) {
      var at = Date.parse(times[i].getAttribute("datetime"));
      if (!isNaN(at) && now - at < 30 * 86400000) times[i].textContent = ago(now - at);
    }
  }, 60000);

  // Tests and other panes may ask for a refresh after a change they made themselves.
  window.parleyWorkspace = { refreshList: scheduleRefresh };
})();
