// Dashboard area: conversation. Loaded after app.js and before Alpine (components register on alpine:init).
// The conversation pane: status actions, the live timeline, the reply box (Enter to send, files by picker,
// paste and drop, @-mentions in notes, / canned responses, typing indicator) and the tab strip.
// Everything is delegated from document, so panes swapped in by htmx need no re-binding.
(function () {
  "use strict";

  var TYPING_REPEAT_MS = 3000;
  var TYPING_IDLE_MS = 4000;
  var NOTICE_MS = 15000;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function pane() {
    var el = document.getElementById("conversation-pane");
    return el && el.getAttribute("data-conversation-id") ? el : null;
  }

  function base() {
    var p = pane();
    return p ? p.getAttribute("data-base-url") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "HX-Request": "true" },
      body: body,
    });
  }

  function form(fields) {
    var data = new FormData();
    Object.keys(fields).forEach(function (k) {
      data.append(k, fields[k]);
    });
    return data;
  }

  function getHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.text();
    });
  }

  function parse(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  // ---- Timeline -------------------------------------------------------------------------------------

  function scroller() {
    return document.getElementById("timeline-scroll");
  }

  function nearBottom() {
    var s = scroller();
    return !s || s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }

  function scrollToBottom() {
    var s = scroller();
    if (s) s.scrollTop = s.scrollHeight;
    atBottom = true;
  }

  // Whether the reader is at the newest message: a resize (phone rotation, keyboard) keeps them there.
  var atBottom = true;
  document.addEventListener("scroll", function (event) {
    if (event.target === scroller()) atBottom = nearBottom();
  }, true);
  window.addEventListener("resize", function () {
    if (atBottom) scrollToBottom();
  });

  /** Message times in the viewer's zone: "14:05" today, "12 Nov, 14:05" before; the full date-time on hover. */
  function localizeTimes(root) {
    var times = (root || document).querySelectorAll("#timeline time.message-time[datetime]");
    var today = new Date().toDateString();
    for (var i = 0; i < times.length; i++) {
      var at = new Date(times[i].getAttribute("datetime"));
      if (isNaN(at.getTime())) continue;
      var hm = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      times[i].textContent = at.toDateString() === today ? hm : at.toLocaleDateString([], { day: "numeric", month: "short" }) + ", " + hm;
      times[i].title = at.toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
    }
  }

  /** Inserts or replaces the messages of an HTML fragment (by id: a message is never shown twice). */
  function upsertMessages(html, forceScroll) {
    var timeline = document.getElementById("timeline");
    if (!timeline) return;
    var stick = forceScroll || nearBottom();
    var items = parse(html).querySelectorAll("li[data-message-id]");
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var existing = document.getElementById(item.id);
      if (existing) {
        existing.replaceWith(item);
        continue;
      }
      // In id order: live fetches can answer out of order.
      var id = Number(item.getAttribute("data-message-id"));
      var after = timeline.lastElementChild;
      while (after && after.hasAttribute("data-message-id") && Number(after.getAttribute("data-message-id")) > id) after = after.previousElementSibling;
      if (after) after.after(item);
      else timeline.prepend(item);
    }
    localizeTimes();
    if (stick) scrollToBottom();
  }

  function lastMessageId() {
    var items = document.querySelectorAll("#timeline li[data-message-id]");
    var max = 0;
    for (var i = 0; i < items.length; i++) max = Math.max(max, Number(items[i].getAttribute("data-message-id")));
    return max;
  }

  function currentId() {
    var p = pane();
    return p ? p.getAttribute("data-conversation-id") : null;
  }

  /** Runs a fetched update only if the same conversation is still open (a switch may happen meanwhile). */
  function stillOpen(id, apply) {
    return function (html) {
      if (currentId() === id) apply(html);
    };
  }

  /** Fetches what the timeline has not shown yet (after our status change: its activity line). */
  function syncNewer(scroll) {
    var id = currentId();
    if (!id) return Promise.resolve();
    return getHtml(base() + "/messages?after=" + lastMessageId()).then(stillOpen(id, function (html) {
      upsertMessages(html, !!scroll);
    })).catch(function () {});
  }

  function fetchMessage(messageId) {
    var id = currentId();
    if (!id) return;
    getHtml(base() + "/messages/" + encodeURIComponent(messageId)).then(stillOpen(id, function (html) {
      upsertMessages(html, false);
    })).catch(function () {});
  }

  var lastSeenTimer = null;
  function markRead() {
    if (lastSeenTimer || !pane()) return;
    var url = base() + "/last-seen";
    lastSeenTimer = setTimeout(function () {
      lastSeenTimer = null;
      post(url, form({})).catch(function () {});
    }, 300);
  }

  // ---- Pane set-up (first load and every swap) ------------------------------------------------------

  function fillTimezones(root) {
    var offset = String(new Date().getTimezoneOffset());
    var inputs = (root || document).querySelectorAll("#conversation-pane .tz-offset");
    for (var i = 0; i < inputs.length; i++) inputs[i].value = offset;
  }

  function initPane(focus) {
    var p = pane();
    if (!p || p.getAttribute("data-ready") === "true") return;
    p.setAttribute("data-ready", "true");
    fillTimezones();
    localizeTimes();
    scrollToBottom();
    clearTyping();
    clearCollision();
    files = [];
    markRead();
    if (focus) {
      var heading = document.getElementById("conversation-heading");
      if (heading) heading.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initPane(false);
  });
  document.addEventListener("htmx:after:settle", function () {
    initPane(true);
  });
  document.addEventListener("htmx:after:swap", function () {
    initPane(true);
    // Older pages loaded by the "load older" row.
    localizeTimes();
  });

  // ---- Header: status, snooze, resolve and next -----------------------------------------------------

  /** The conversation row after the open one in the list pane (or the list's first other row when it is not listed). */
  function nextListRow(displayId) {
    var rows = document.querySelectorAll("#conversation-list [data-display-id], #conversation-list [data-conversation-id]");
    var idOf = function (row) {
      return row.getAttribute("data-display-id") || row.getAttribute("data-conversation-id");
    };
    for (var i = 0; i < rows.length; i++) {
      if (idOf(rows[i]) === displayId) return rows[i + 1] || null;
    }
    for (var j = 0; j < rows.length; j++) if (idOf(rows[j]) !== displayId) return rows[j];
    return null;
  }

  function openRow(row) {
    var link = row.matches("a[href]") ? row : row.querySelector("a[href]");
    (link || row).click();
  }

  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!(f instanceof HTMLFormElement) || !f.hasAttribute("data-status-form") || !pane()) return;
    event.preventDefault();
    fillTimezones();
    var displayId = currentId();
    var goNext = !!f.querySelector('input[name="next"]');
    var next = goNext ? nextListRow(displayId) : null;
    post(f.action, new FormData(f)).then(function (res) {
      return res.text().then(function (html) {
        if (!res.ok) throw new Error(html);
        if (currentId() !== displayId) return;
        replaceHeader(html);
        if (next) openRow(next);
        else syncNewer(true);
      });
    }).catch(function (err) {
      showError(messageOf(err, "The status could not be changed."));
    });
  });

  // "Send transcript": posts the address and shows the answer (or the problem) under the field.
  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!(f instanceof HTMLFormElement) || !f.hasAttribute("data-transcript-form")) return;
    event.preventDefault();
    var result = f.querySelector(".transcript-result");
    var button = f.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    post(f.action, new FormData(f))
      .then(function (res) {
        return res.text().then(function (text) {
          if (!res.ok) throw new Error(text);
          return text;
        });
      })
      .then(function (text) {
        result.textContent = messageOf({ message: text }, "The transcript is on its way.");
        result.classList.remove("is-error");
      })
      .catch(function (err) {
        result.textContent = messageOf(err, "The transcript could not be sent.");
        result.classList.add("is-error");
      })
      .finally(function () {
        result.hidden = false;
        if (button) button.disabled = false;
      });
  });

  function replaceHeader(html) {
    var header = document.getElementById("conversation-header");
    var fresh = parse(html).querySelector("#conversation-header");
    if (header && fresh) header.replaceWith(fresh);
    fillTimezones();
  }

  function refreshHeader() {
    var id = currentId();
    if (!id) return;
    getHtml(base() + "/header").then(stillOpen(id, replaceHeader)).catch(function () {});
  }

  // ---- Reply box ------------------------------------------------------------------------------------

  var files = [];

  function replyForm() {
    return document.getElementById("reply-box");
  }

  function textarea() {
    return document.getElementById("reply-content");
  }

  function isNote() {
    var f = replyForm();
    var checked = f && f.querySelector('input[name="private"]:checked');
    return !!checked && checked.value === "true";
  }

  function showError(text) {
    var el = document.querySelector("#reply-box .reply-error");
    if (el) el.textContent = text || "";
  }

  function messageOf(err, fallback) {
    var text = err && err.message ? String(err.message) : "";
    return text && text.length < 300 && text.indexOf("<") === -1 ? text : fallback;
  }

  function formatBytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  function renderFiles() {
    var list = document.querySelector("#reply-box .reply-files");
    if (!list) return;
    list.textContent = "";
    files.forEach(function (file, index) {
      var li = document.createElement("li");
      li.className = "reply-file";
      var name = document.createElement("span");
      name.className = "reply-file-name";
      name.textContent = file.name + " (" + formatBytes(file.size) + ")";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "reply-file-remove";
      remove.setAttribute("data-file-index", String(index));
      remove.setAttribute("aria-label", "Remove " + file.name);
      remove.textContent = "×";
      li.appendChild(name);
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  function addFiles(list) {
    var f = replyForm();
    if (!f || !list) return;
    var max = Number(f.getAttribute("data-max-bytes")) || Infinity;
    var rejected = [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].size > max) rejected.push(list[i].name);
      else files.push(list[i]);
    }
    showError(rejected.length ? rejected.join(", ") + " " + (rejected.length > 1 ? "are" : "is") + " too large (at most " + formatBytes(max) + " per file)." : "");
    renderFiles();
  }

  function setMode(note) {
    var f = replyForm();
    if (!f) return;
    f.classList.toggle("is-note", note);
    var ta = textarea();
    if (ta) ta.placeholder = note ? "Write a private note. Type @ to mention a teammate." : ta.getAttribute("data-reply-placeholder") || ta.placeholder;
    closeSuggestions();
  }

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (!(t instanceof HTMLInputElement) || !t.closest("#reply-box")) return;
    if (t.name === "private") {
      var ta = textarea();
      if (ta && !ta.getAttribute("data-reply-placeholder") && t.value === "true") ta.setAttribute("data-reply-placeholder", ta.placeholder);
      setMode(t.value === "true");
      if (ta) ta.focus();
    } else if (t.classList.contains("reply-file-input")) {
      addFiles(t.files);
      t.value = "";
    } else if (t.classList.contains("reply-enter-checkbox")) {
      var f = replyForm();
      f.setAttribute("data-enter-to-send", t.checked ? "true" : "false");
      var hint = f.querySelector(".reply-hint");
      if (hint) hint.textContent = t.checked ? "Shift + Enter for a new line" : "Ctrl + Enter to send";
      post(f.getAttribute("data-settings-url"), form({ enter_to_send_enabled: t.checked ? "true" : "false" })).catch(function () {});
    }
  });

  document.addEventListener("click", function (event) {
    var remove = event.target instanceof Element && event.target.closest(".reply-file-remove");
    if (remove) {
      files.splice(Number(remove.getAttribute("data-file-index")), 1);
      renderFiles();
      return;
    }
    var option = event.target instanceof Element && event.target.closest("#reply-suggestions [data-index]");
    if (option) {
      event.preventDefault();
      choose(Number(option.getAttribute("data-index")));
    }
  });

  document.addEventListener("paste", function (event) {
    if (!(event.target instanceof Element) || !event.target.closest("#reply-box")) return;
    var list = event.clipboardData && event.clipboardData.files;
    if (list && list.length) {
      event.preventDefault();
      addFiles(list);
    }
  });

  function dropZone(target) {
    return target instanceof Element ? target.closest("#conversation-panel-messages") : null;
  }
  document.addEventListener("dragover", function (event) {
    var zone = dropZone(event.target);
    if (!zone || !event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") === -1) return;
    event.preventDefault();
    zone.classList.add("is-dragging");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = dropZone(event.target);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("is-dragging");
  });
  document.addEventListener("drop", function (event) {
    var zone = dropZone(event.target);
    if (!zone || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    zone.classList.remove("is-dragging");
    addFiles(event.dataTransfer.files);
  });

  var sending = false;
  function send() {
    var f = replyForm();
    var ta = textarea();
    if (!f || !ta || sending) return;
    if (!ta.value.trim() && !files.length) return;
    var data = new FormData();
    data.append("content", ta.value);
    data.append("private", isNote() ? "true" : "false");
    // Email conversations: the Cc / Bcc fields go with public replies only.
    if (!isNote()) {
      f.querySelectorAll("input[data-email-recipients]").forEach(function (input) {
        data.append(input.name, input.value);
      });
    }
    files.forEach(function (file) {
      data.append("attachments", file, file.name);
    });
    sending = true;
    var id = currentId();
    var button = f.querySelector(".reply-send");
    if (button) button.disabled = true;
    showError("");
    typingOff();
    post(f.action, data).then(function (res) {
      return res.text().then(function (body) {
        if (res.status === 413) throw new Error("The files are too large to send. Remove some and try again.");
        if (!res.ok) throw new Error(res.status === 422 ? body : "The message could not be sent. Please try again.");
        if (currentId() !== id) return;
        upsertMessages(body, true);
        ta.value = "";
        files = [];
        renderFiles();
        clearCollision();
      });
    }).catch(function (err) {
      showError(messageOf(err, "The message could not be sent. Please try again."));
    }).then(function () {
      sending = false;
      if (button) button.disabled = false;
      ta.focus();
    });
  }

  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement && event.target.id === "reply-box") {
      event.preventDefault();
      send();
    }
  });

  // ---- Typing indicator (ours, to the customer or — in note mode — to teammates only) --------------

  var typingSentAt = 0;
  var typingIdle = null;
  var typingPrivate = false;

  function typing(status) {
    var f = replyForm();
    if (!f) return;
    post(f.getAttribute("data-typing-url"), form({ typing_status: status, is_private: typingPrivate ? "true" : "false" })).catch(function () {});
  }

  function typingOn() {
    var now = Date.now();
    if (now - typingSentAt > TYPING_REPEAT_MS) {
      typingPrivate = isNote();
      typingSentAt = now;
      typing("on");
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(typingOff, TYPING_IDLE_MS);
  }

  function typingOff() {
    clearTimeout(typingIdle);
    typingIdle = null;
    if (!typingSentAt) return;
    typingSentAt = 0;
    typing("off");
  }

  // ---- Suggestions: @-mentions (notes) and / canned responses ---------------------------------------

  var suggestion = null; // {kind, start, items, active}
  var suggestTimer = null;
  var suggestSeq = 0;

  function listbox() {
    return document.getElementById("reply-suggestions");
  }

  function closeSuggestions() {
    suggestion = null;
    var lb = listbox();
    if (lb) {
      lb.hidden = true;
      lb.textContent = "";
    }
    var ta = textarea();
    if (ta) ta.removeAttribute("aria-activedescendant");
  }

  function renderSuggestions() {
    var lb = listbox();
    if (!lb || !suggestion) return;
    lb.textContent = "";
    if (!suggestion.items.length) {
      closeSuggestions();
      return;
    }
    suggestion.items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "reply-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-index", String(i));
      li.setAttribute("aria-selected", i === suggestion.active ? "true" : "false");
      li.className = "reply-suggestion" + (i === suggestion.active ? " is-active" : "");
      var title = document.createElement("span");
      title.className = "reply-suggestion-title";
      var hint = document.createElement("span");
      hint.className = "reply-suggestion-hint";
      if (suggestion.kind === "mention") {
        title.textContent = item.name;
        hint.textContent = item.email;
      } else {
        title.textContent = "/" + item.short_code;
        hint.textContent = item.content.length > 80 ? item.content.slice(0, 80) + "…" : item.content;
      }
      li.appendChild(title);
      li.appendChild(hint);
      lb.appendChild(li);
    });
    lb.hidden = false;
    var ta = textarea();
    if (ta) ta.setAttribute("aria-activedescendant", "reply-suggestion-" + suggestion.active);
  }

  function detectTrigger() {
    var ta = textarea();
    if (!ta) return null;
    var before = ta.value.slice(0, ta.selectionStart);
    var m = isNote() ? /(^|\s)@([^\s@\[\]()]{0,30})$/.exec(before) : null;
    if (m) return { kind: "mention", start: before.length - m[2].length - 1, query: m[2] };
    m = /(^|\s)\/([\w-]{0,30})$/.exec(before);
    if (m) return { kind: "canned", start: before.length - m[2].length - 1, query: m[2] };
    return null;
  }

  function suggest() {
    var trigger = detectTrigger();
    if (!trigger) {
      closeSuggestions();
      return;
    }
    var f = replyForm();
    var url = f.getAttribute(trigger.kind === "mention" ? "data-mentions-url" : "data-canned-url") + "?q=" + encodeURIComponent(trigger.query);
    var seq = ++suggestSeq;
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      fetch(url, { credentials: "same-origin" }).then(function (res) {
        return res.ok ? res.json() : [];
      }).then(function (items) {
        if (seq !== suggestSeq) return;
        suggestion = { kind: trigger.kind, start: trigger.start, items: items || [], active: 0 };
        renderSuggestions();
      }).catch(function () {});
    }, 80);
  }

  function choose(index) {
    var ta = textarea();
    if (!suggestion || !ta) return;
    var item = suggestion.items[index];
    if (!item) return;
    var insert = suggestion.kind === "mention" ? "[@" + item.name.replace(/[\[\]]/g, "") + "](mention://user/" + item.id + "/" + encodeURIComponent(item.name) + ") " : item.content;
    var caret = ta.selectionStart;
    ta.value = ta.value.slice(0, suggestion.start) + insert + ta.value.slice(caret);
    var at = suggestion.start + insert.length;
    ta.setSelectionRange(at, at);
    closeSuggestions();
    ta.focus();
  }

  document.addEventListener("input", function (event) {
    if (event.target !== textarea()) return;
    if (event.target.value) typingOn();
    else typingOff();
    suggest();
  });

  document.addEventListener("keydown", function (event) {
    var ta = textarea();
    if (event.target !== ta) return;
    if (suggestion && suggestion.items.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var n = suggestion.items.length;
        suggestion.active = (suggestion.active + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
        renderSuggestions();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(suggestion.active);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        closeSuggestions();
        return;
      }
    }
    if (event.key !== "Enter" || event.isComposing) return;
    var enterToSend = replyForm().getAttribute("data-enter-to-send") === "true";
    if ((enterToSend && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) || (!enterToSend && (event.ctrlKey || event.metaKey))) {
      event.preventDefault();
      send();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === textarea()) setTimeout(closeSuggestions, 150);
  });

  // ---- Live: messages, typing, collision, status --------------------------------------------------

  var typingTimer = null;
  var collisionTimer = null;

  function setLine(id, text, ms, timerName) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
    if (timerName === "typing") {
      clearTimeout(typingTimer);
      if (text) typingTimer = setTimeout(clearTyping, ms);
    } else {
      clearTimeout(collisionTimer);
      if (text) collisionTimer = setTimeout(clearCollision, ms);
    }
  }

  function clearTyping() {
    setLine("conversation-typing", "", 0, "typing");
  }

  function clearCollision() {
    setLine("conversation-collision", "", 0, "collision");
  }

  function viewerId() {
    var p = pane();
    return p ? p.getAttribute("data-viewer-id") : "";
  }

  function isOpen(displayId) {
    var p = pane();
    return !!p && displayId != null && String(displayId) === p.getAttribute("data-conversation-id");
  }

  function personName(user) {
    return (user && (user.available_name || user.name)) || "Someone";
  }

  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    var name = detail.event;
    var data = detail.data || {};
    if (name === "message.created" || name === "message.updated") {
      if (!isOpen(data.conversation_id)) return;
      // An update of a message above the loaded pages stays there until that page is loaded.
      if (name === "message.created" || document.getElementById("message-" + data.id)) fetchMessage(data.id);
      if (name !== "message.created") return;
      if (data.message_type === 0) {
        clearTyping();
        markRead();
      }
      var sender = data.sender;
      if (data.message_type === 1 && sender && sender.type === "user" && String(sender.id) !== viewerId()) {
        setLine("conversation-collision", personName(sender) + (data.private ? " added a private note just now" : " replied just now"), NOTICE_MS, "collision");
      }
      return;
    }
    if (name === "conversation.typing_on" || name === "conversation.typing_off") {
      if (!isOpen(data.conversation && data.conversation.id)) return;
      var user = data.user || {};
      var on = name === "conversation.typing_on";
      if (user.type === "contact") {
        setLine("conversation-typing", on ? personName(user) + " is typing…" : "", 30000, "typing");
      } else if (String(user.id) !== viewerId()) {
        setLine("conversation-collision", on ? personName(user) + (data.is_private ? " is writing a private note" : " is replying") : "", 30000, "collision");
      }
      return;
    }
    if (name === "conversation.status_changed" || name === "conversation.updated" || name === "conversation.read") {
      if (!isOpen(data.id)) return;
      var header = document.getElementById("conversation-header");
      if (header && data.status && header.getAttribute("data-status") !== data.status) refreshHeader();
    }
  });

  // ---- Tabs (Messages + dashboard apps): role=tab with aria-controls, arrow keys -------------------

  function selectTab(tab) {
    var list = tab.closest('[role="tablist"]');
    if (!list) return;
    var tabs = list.querySelectorAll('[role="tab"]');
    for (var i = 0; i < tabs.length; i++) {
      var selected = tabs[i] === tab;
      tabs[i].setAttribute("aria-selected", selected ? "true" : "false");
      tabs[i].tabIndex = selected ? 0 : -1;
      var panel = document.getElementById(tabs[i].getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    }
    tab.dispatchEvent(new CustomEvent("parley:tab-selected", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var tab = event.target instanceof Element && event.target.closest('#conversation-pane .conversation-tabs [role="tab"]');
    if (tab) selectTab(tab);
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target instanceof Element && event.target.closest('#conversation-pane .conversation-tabs [role="tab"]');
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.closest('[role="tablist"]').querySelectorAll('[role="tab"]'));
    var i = tabs.indexOf(tab);
    var next = event.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : event.key === "ArrowLeft" ? tabs[(i + tabs.length - 1) % tabs.length] : event.key === "Home" ? tabs[0] : event.key === "End" ? tabs[tabs.length - 1] : null;
    if (!next) return;
    event.preventDefault();
    next.focus();
    selectTab(next);
  });

  // ---- WhatsApp: the template picker above the reply box ---------------------------------------------
  // Without JavaScript every template's fields show and the form posts; here only the chosen template's fields
  // show, and sending appends the message like a reply.

  function showChosenTemplate(formEl) {
    var select = formEl && formEl.querySelector(".wa-template-select");
    if (!select) return;
    var sets = formEl.querySelectorAll("[data-wa-template]");
    for (var i = 0; i < sets.length; i++) {
      var chosen = sets[i].getAttribute("data-wa-template") === select.value;
      sets[i].hidden = !chosen;
      sets[i].disabled = !chosen;
    }
  }

  function initTemplatePickers() {
    var forms = document.querySelectorAll(".wa-template-form");
    for (var i = 0; i < forms.length; i++) showChosenTemplate(forms[i]);
  }

  document.addEventListener("change", function (event) {
    if (event.target instanceof HTMLSelectElement && event.target.classList.contains("wa-template-select")) {
      showChosenTemplate(event.target.closest(".wa-template-form"));
    }
  });
  document.addEventListener("htmx:after:swap", initTemplatePickers);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initTemplatePickers);
  else initTemplatePickers();

  // The window's countdown: the server renders the time left; it ticks here, and a customer's new message reopens it.
  var WA_WINDOW_MS = 24 * 60 * 60 * 1000;
  var WA_CLOSED = "The 24-hour customer service window is closed: WhatsApp delivers only approved templates until the customer writes again.";

  function waRemaining(ms) {
    var minutes = Math.max(1, Math.floor(ms / 60000));
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    return h ? h + " h " + m + " min" : m + " min";
  }

  function tickWhatsappWindow(reopened) {
    var el = document.querySelector('#wa-panel [data-testid="wa-window"]');
    if (!el) return;
    if (reopened) {
      el.setAttribute("data-remaining-ms", String(WA_WINDOW_MS));
      el.removeAttribute("data-started-at");
    }
    if (!el.getAttribute("data-started-at")) el.setAttribute("data-started-at", String(Date.now()));
    var left = Number(el.getAttribute("data-remaining-ms") || 0) - (Date.now() - Number(el.getAttribute("data-started-at")));
    var panel = el.closest(".wa-panel");
    var open = left > 0;
    if (panel) panel.classList.toggle("is-closed", !open);
    var text = open ? "WhatsApp: free-form replies are possible for " + waRemaining(left) + " more (24-hour customer service window)." : WA_CLOSED;
    if (el.textContent !== text) el.textContent = text;
  }

  setInterval(function () {
    tickWhatsappWindow(false);
  }, 30000);
  document.addEventListener("htmx:after:swap", function () {
    tickWhatsappWindow(false);
  });
  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    var data = detail.data || {};
    if (detail.event !== "message.created" || data.message_type !== 0 || !document.getElementById("wa-panel")) return;
    var p = pane();
    if (p && String(data.conversation_id) === p.getAttribute("data-conversation-id")) tickWhatsappWindow(true);
  });

  // An email's quoted history, collapsed behind "Show quoted text" (views/pages/conversations/conversation/email.tsx).
  document.addEventListener("alpine:init", function () {
    window.Alpine.data("emailQuote", function () {
      return {
        open: false,
        closed: true,
        toggle: function () {
          this.open = !this.open;
          this.closed = !this.open;
        },
      };
    });
  });

  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!(f instanceof HTMLFormElement) || !f.classList.contains("wa-template-form")) return;
    event.preventDefault();
    var error = f.querySelector(".wa-template-error");
    var button = f.querySelector('button[type="submit"]');
    var id = currentId();
    if (error) error.textContent = "";
    if (button) button.disabled = true;
    post(f.action, new FormData(f)).then(function (res) {
      return res.text().then(function (body) {
        if (!res.ok) throw new Error(res.status === 422 ? body : "The template could not be sent. Please try again.");
        if (currentId() !== id) return;
        upsertMessages(body, true);
        f.reset();
        showChosenTemplate(f);
        var details = f.closest("details");
        if (details) details.open = false;
      });
    }).catch(function (err) {
      if (error) error.textContent = messageOf(err, "The template could not be sent. Please try again.");
    }).then(function () {
      if (button) button.disabled = false;
    });
  });
})();
