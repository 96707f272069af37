/* Parley website live chat: the page inside the SDK's iframe (or a popout window). Talks to Chatwoot's widget API
   (/api/v1/widget/…, session token in X-Auth-Token) and to /cable (RoomChannel with the contact's pubsub_token).
   Message content is only ever set as text (a tiny markdown renderer builds DOM nodes), never as HTML. */
(function () {
  "use strict";
  var PREFIX = "chatwoot-widget:";
  var I18N = {
    en: {
      title: "Hi there! 👋",
      tagline: "We make it simple to connect with us. Ask us anything.",
      in_a_few_minutes: "Typically replies in a few minutes",
      in_a_few_hours: "Typically replies in a few hours",
      in_a_day: "Typically replies in a day",
      away: "We are away at the moment",
      online: "We are online",
      prechat: "Please share a few details before you start the conversation.",
      message: "Message",
      start: "Start conversation",
      placeholder: "Type your message…",
      send: "Send",
      attach: "Attach a file",
      attachment: "Attachment",
      close: "Close chat",
      popout: "Open in a new window",
      typing: "{name} is typing…",
      agent: "Agent",
      you: "You",
      sent: "Sent",
      delivered: "Delivered",
      read: "Read",
      failed: "Not sent",
      required: "{field} is required",
      invalid: "{field} is invalid",
      submit: "Submit",
      submitted: "Submitted",
      csat: "Rate your conversation",
      csat_comment: "Tell us more (optional)",
      csat_thanks: "Thank you for your feedback",
      email_prompt: "Get notified by email",
      resolved: "This conversation was resolved.",
      new_conversation: "Start a new conversation",
      error: "Something went wrong. Please try again.",
      unavailable: "This chat is not available.",
      name: "Full name",
      email: "Email address",
      phone: "Phone number",
      powered: "Powered by Parley",
      emoji: "Insert emoji",
      emoji_cats: "Smileys|Gestures|Symbols|Objects|Nature and food",
      transcript: "Request a transcript",
      transcript_sent: "We sent the transcript to {email}.",
    },
    de: {
      title: "Hallo! 👋",
      tagline: "Schreiben Sie uns, wir helfen gern.",
      in_a_few_minutes: "Antwortet meist innerhalb weniger Minuten",
      in_a_few_hours: "Antwortet meist innerhalb weniger Stunden",
      in_a_day: "Antwortet meist innerhalb eines Tages",
      away: "Wir sind gerade nicht erreichbar",
      online: "Wir sind online",
      prechat: "Bitte geben Sie vor dem Gespräch ein paar Angaben an.",
      message: "Nachricht",
      start: "Gespräch beginnen",
      placeholder: "Nachricht schreiben…",
      send: "Senden",
      attach: "Datei anhängen",
      attachment: "Anhang",
      close: "Chat schließen",
      popout: "In neuem Fenster öffnen",
      typing: "{name} schreibt…",
      agent: "Mitarbeiter",
      you: "Sie",
      sent: "Gesendet",
      delivered: "Zugestellt",
      read: "Gelesen",
      failed: "Nicht gesendet",
      required: "{field} ist erforderlich",
      invalid: "{field} ist ungültig",
      submit: "Absenden",
      submitted: "Abgeschickt",
      csat: "Bewerten Sie das Gespräch",
      csat_comment: "Möchten Sie uns mehr sagen? (optional)",
      csat_thanks: "Danke für Ihre Rückmeldung",
      email_prompt: "Per E-Mail benachrichtigt werden",
      resolved: "Dieses Gespräch wurde abgeschlossen.",
      new_conversation: "Neues Gespräch beginnen",
      error: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
      unavailable: "Dieser Chat ist nicht verfügbar.",
      name: "Vollständiger Name",
      email: "E-Mail-Adresse",
      phone: "Telefonnummer",
      powered: "Bereitgestellt von Parley",
      emoji: "Emoji einfügen",
      emoji_cats: "Smileys|Gesten|Symbole|Objekte|Natur und Essen",
      transcript: "Verlauf per E-Mail anfordern",
      transcript_sent: "Wir haben den Verlauf an {email} gesendet.",
    },
  };
  var params = new URLSearchParams(location.search);
  var S = {
    websiteToken: params.get("website_token") || "",
    auth: params.get("cw_conversation") || "",
    locale: pickLocale(params.get("locale") || navigator.language),
    popout: params.get("popout") === "1" || window.parent === window,
    parentOrigin: "",
    open: false,
    config: null,
    contact: null,
    conversation: null,
    messages: new Map(),
    unread: 0,
    referrerURL: "",
    triggered: false,
    typingTimer: 0,
    typingOn: false,
  };

  function pickLocale(l) {
    l = String(l || "en").toLowerCase().replace("_", "-");
    return I18N[l] ? l : I18N[l.split("-")[0]] ? l.split("-")[0] : "en";
  }
  function t(key, vars) {
    var s = (I18N[S.locale] || I18N.en)[key] || I18N.en[key] || key;
    for (var k in vars || {}) s = s.replace("{" + k + "}", vars[k]);
    return s;
  }
  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  /* ---------- page ↔ parent (SDK) ---------- */
  function toParent(message) {
    if (S.popout) return;
    if (message.event === "loaded") window.parent.postMessage(PREFIX + JSON.stringify(message), "*");
    else if (S.parentOrigin) window.parent.postMessage(PREFIX + JSON.stringify(message), S.parentOrigin);
  }
  window.addEventListener("message", function (e) {
    if (S.popout || e.source !== window.parent || typeof e.data !== "string" || e.data.indexOf(PREFIX) !== 0) return;
    if (S.parentOrigin && e.origin !== S.parentOrigin) return;
    var m;
    try {
      m = JSON.parse(e.data.slice(PREFIX.length));
    } catch (err) {
      return;
    }
    if (m.event === "config-set") {
      if (!allowedOrigin(e.origin)) return;
      S.parentOrigin = e.origin;
      S.referrerURL = String(m.referrerURL || "");
      if (m.locale) setLocale(m.locale);
      setScheme(m.darkMode);
      $("popout").hidden = !m.showPopoutButton;
      document.documentElement.classList.toggle("phone", !!m.phone);
      S.open = !!m.isOpen;
      S.settings = m;
      whenReady(function () {
        toParent({ event: "set-auth-cookie", token: S.auth });
        toParent({ event: "ready", color: S.config.widget_color });
      });
      return;
    }
    if (!S.parentOrigin) return;
    handleSdk(m);
  });

  function allowedOrigin(origin) {
    var list = (S.config && S.config.allowed_domains) || "";
    if (!list) return true;
    var host = "";
    try {
      host = new URL(origin).hostname;
    } catch (e) {
      return false;
    }
    return String(list)
      .split(/[\s,]+/)
      .filter(Boolean)
      .some(function (d) {
        d = d.replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/:\d+$/, "");
        if (d.indexOf("*.") === 0) return host === d.slice(2) || host.endsWith(d.slice(1));
        return host === d;
      });
  }

  function handleSdk(m) {
    switch (m.event) {
      case "toggle-open":
        S.open = !!m.isOpen;
        if (S.open) onOpen();
        break;
      case "set-user":
        var body = Object.assign({}, m.user || {}, { identifier: m.identifier });
        call("PATCH", "contact/set_user", body)
          .then(function (res) {
            if (res && res.widget_auth_token && res.widget_auth_token !== S.auth) {
              S.auth = res.widget_auth_token;
              toParent({ event: "set-auth-cookie", token: S.auth });
              return boot();
            }
            if (res && res.pubsub_token && S.contact && res.pubsub_token !== S.contact.pubsub_token) return boot();
          })
          .then(function () {
            toParent({ event: "set-user-done" });
          })
          .catch(function (err) {
            toParent({ event: "error", data: { setUser: true, status: err.status, message: err.message } });
          });
        break;
      case "set-custom-attributes":
        sdkCall("PATCH", "contact", { custom_attributes: m.customAttributes });
        break;
      case "delete-custom-attribute":
        sdkCall("POST", "contact/destroy_custom_attributes", { custom_attributes: [m.customAttribute] });
        break;
      case "set-conversation-custom-attributes":
        sdkCall("POST", "conversations/set_custom_attributes", { custom_attributes: m.customAttributes });
        break;
      case "delete-conversation-custom-attribute":
        sdkCall("POST", "conversations/destroy_custom_attributes", { custom_attribute: [m.customAttribute] });
        break;
      case "set-label":
        sdkCall("POST", "labels", { label: m.label });
        break;
      case "remove-label":
        sdkCall("DELETE", "labels/" + encodeURIComponent(m.label));
        break;
      case "set-locale":
        setLocale(m.locale);
        break;
      case "set-color-scheme":
        setScheme(m.darkMode);
        break;
    }
  }
  function sdkCall(method, path, body) {
    call(method, path, body).catch(function (err) {
      toParent({ event: "error", data: { status: err.status, message: err.message, action: path } });
    });
  }

  /* ---------- HTTP ---------- */
  function call(method, path, body) {
    var url = "/api/v1/widget/" + path + (path.indexOf("?") < 0 ? "?" : "&") + "website_token=" + encodeURIComponent(S.websiteToken) + "&locale=" + S.locale;
    var headers = { Accept: "application/json" };
    if (S.auth) headers["X-Auth-Token"] = S.auth;
    var init = { method: method, headers: headers };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!res.ok) {
          var err = new Error((data && (data.error || data.message)) || res.statusText || "HTTP " + res.status);
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  /* ---------- boot ---------- */
  var readyCallbacks = [];
  function whenReady(fn) {
    if (S.config) fn();
    else readyCallbacks.push(fn);
  }
  /** The start-up data the /widget page embeds (config, session, conversation, messages), or null. */
  function embedded() {
    var n = $("boot");
    if (!n) return null;
    try {
      var data = JSON.parse(n.textContent || "null");
      return data && data.website_channel_config ? data : null;
    } catch (e) {
      return null;
    }
  }
  /** Sets the widget up from POST config's answer (or the same data embedded in the page). */
  function applyBoot(res) {
    var cfg = res.website_channel_config || {};
    S.config = cfg;
    S.contact = res.contact || {};
    if (cfg.auth_token) S.auth = cfg.auth_token;
    if (!params.get("locale") && cfg.locale && !(S.settings && S.settings.locale)) setLocale(cfg.locale);
    applyConfig();
  }
  function markReady() {
    document.body.dataset.ready = "true";
    document.body.dataset.readyAt = String(Math.round(performance.now()));
    var cbs = readyCallbacks.splice(0);
    cbs.forEach(function (fn) {
      fn();
    });
    if (S.popout) onOpen();
    // the socket is opened once the widget is usable; its subscription catches up on anything missed
    setTimeout(connectCable, 0);
  }
  /** Without embedded data (or to start over after setUser): POST config, then the conversation. */
  function boot() {
    return call("POST", "config", {})
      .then(function (res) {
        applyBoot(res);
        return loadConversation();
      })
      .then(markReady)
      .catch(function (err) {
        showError(err.status === 404 ? t("unavailable") : t("error"));
        toParent({ event: "error", data: { status: err.status, message: err.message } });
      });
  }
  /** The current conversation and its messages, fetched side by side (messages is [] without a conversation). */
  function loadConversation() {
    return Promise.all([call("GET", "conversations"), call("GET", "messages")]).then(function (r) {
      setConversation(r[0], r[1]);
    });
  }
  function setConversation(conv, msgs) {
    S.conversation = conv && conv.id ? conv : null;
    S.messages.clear();
    if (S.conversation) (Array.isArray(msgs) ? msgs : (msgs && msgs.payload) || []).forEach(upsert);
    render();
  }

  function applyConfig() {
    var c = S.config;
    if (c.widget_color && /^#[0-9a-fA-F]{3,8}$/.test(c.widget_color)) document.documentElement.style.setProperty("--brand", c.widget_color);
    var st = S.settings || {};
    $("title").textContent = st.welcomeTitle || c.welcome_title || c.website_name || t("title");
    $("tagline").textContent = st.welcomeDescription || c.welcome_tagline || t("tagline");
    var online = isOnline();
    var avail = $("availability");
    avail.textContent = online ? st.availableMessage || t(c.reply_time || "in_a_few_minutes") : st.unavailableMessage || c.out_of_office_message || t("away");
    avail.className = "avail " + (online ? "on" : "off");
    var features = c.enabled_features || [];
    $("attach").hidden = st.enableFileUpload === false || (features.length > 0 && features.indexOf("attachments") < 0);
    $("emoji-toggle").hidden = st.enableEmojiPicker === false || (features.length > 0 && features.indexOf("emoji_picker") < 0);
    translate();
  }

  /** Business hours from working_hours (day_of_week 0 = Sunday, open/close hour and minute) in the inbox's offset. */
  function isOnline() {
    var c = S.config;
    if (!c.working_hours_enabled || !Array.isArray(c.working_hours)) return true;
    var off = /^([+-])(\d{2}):?(\d{2})$/.exec(c.utc_off_set || "+00:00");
    var minutes = off ? (off[1] === "-" ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) : 0;
    var now = new Date(Date.now() + minutes * 60000);
    var day = now.getUTCDay();
    var at = now.getUTCHours() * 60 + now.getUTCMinutes();
    var slot = c.working_hours.filter(function (w) {
      return w.day_of_week === day;
    })[0];
    if (!slot || slot.closed_all_day) return false;
    if (slot.open_all_day) return true;
    var open = (slot.open_hour || 0) * 60 + (slot.open_minutes || 0);
    var close = (slot.close_hour || 0) * 60 + (slot.close_minutes || 0);
    return at >= open && at < close;
  }

  function setLocale(l) {
    S.locale = pickLocale(l);
    document.documentElement.lang = S.locale;
    if (S.config) applyConfig();
    else translate();
    render();
  }
  function translate() {
    document.querySelectorAll("[data-i18n]").forEach(function (n) {
      n.textContent = t(n.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-i18n-label]").forEach(function (n) {
      n.setAttribute("aria-label", t(n.getAttribute("data-i18n-label")));
      n.setAttribute("title", t(n.getAttribute("data-i18n-label")));
    });
    $("input").placeholder = t("placeholder");
  }
  function setScheme(mode) {
    var root = document.documentElement;
    root.classList.toggle("dark", mode === "dark");
    root.classList.toggle("auto", mode === "auto");
  }
  function showError(text) {
    var e = $("error");
    e.textContent = text;
    e.hidden = false;
  }

  /* ---------- views ---------- */
  function needsPrechat() {
    return !S.conversation && S.config && S.config.pre_chat_form_enabled && !(S.contact && S.contact.identifier && S.contact.email);
  }
  function render() {
    if (!S.config) return;
    var pre = needsPrechat();
    $("prechat").hidden = !pre;
    $("thread").hidden = pre;
    $("composer").hidden = pre;
    if (pre) renderPrechat();
    var resolved = S.conversation && S.conversation.status === "resolved" && !S.config.allow_messages_after_resolved;
    $("resolved").hidden = !resolved;
    $("compose").hidden = !!resolved;
    if (resolved) toggleEmoji(false);
    $("transcript").hidden = !canRequestTranscript();
    renderMessages();
  }

  var STANDARD = { emailAddress: ["email", "email"], fullName: ["name", "text"], phoneNumber: ["phone", "tel"] };
  function prechatFields() {
    var opts = S.config.pre_chat_form_options || {};
    var fields = Array.isArray(opts.pre_chat_fields) ? opts.pre_chat_fields : [];
    if (!fields.length && opts.require_email) fields = [{ name: "emailAddress", field_type: "standard", type: "email", enabled: true, required: true }];
    return fields.filter(function (f) {
      // an identified visitor (setUser) is not asked again for what the site already told us
      var known = S.contact && S.contact.identifier;
      return f && f.enabled && !(known && ((f.name === "emailAddress" && S.contact.email) || (f.name === "fullName" && S.contact.name)));
    });
  }
  function renderPrechat() {
    var opts = S.config.pre_chat_form_options || {};
    $("prechat-message").textContent = opts.pre_chat_message || t("prechat");
    var box = $("prechat-fields");
    if (box.dataset.locale === S.locale && box.childNodes.length) return;
    box.dataset.locale = S.locale;
    box.replaceChildren();
    prechatFields().forEach(function (f, i) {
      var std = STANDARD[f.name];
      var id = "pc-" + i;
      var wrap = el("div", "field");
      var label = el("label", null, f.label || (std ? t(std[0]) : f.name));
      label.htmlFor = id;
      var input;
      if (f.type === "list" && Array.isArray(f.values)) {
        input = el("select");
        [""].concat(f.values).forEach(function (v) {
          var o = el("option", null, v);
          o.value = v;
          input.appendChild(o);
        });
      } else if (f.type === "checkbox") {
        input = el("input");
        input.type = "checkbox";
      } else {
        input = el("input");
        input.type = std ? std[1] : { number: "number", date: "date", link: "url", email: "email" }[f.type] || "text";
        if (f.placeholder) input.placeholder = f.placeholder;
      }
      input.id = id;
      input.name = f.name;
      input.required = !!f.required;
      input.dataset.custom = f.field_type === "standard" || std ? "" : "1";
      if (f.regex_pattern) input.dataset.regex = f.regex_pattern;
      if (f.regex_cue) input.dataset.cue = f.regex_cue;
      wrap.appendChild(label);
      wrap.appendChild(input);
      box.appendChild(wrap);
    });
  }
  function submitPrechat(e) {
    e.preventDefault();
    var form = $("prechat-form");
    var contact = {};
    var custom = {};
    var bad = null;
    form.querySelectorAll("#prechat-fields input, #prechat-fields select").forEach(function (input) {
      var value = input.type === "checkbox" ? input.checked : input.value.trim();
      var name = input.previousSibling.textContent;
      if (input.required && (value === "" || value === false) && !bad) bad = [input, t("required", { field: name })];
      if (!bad && value && input.dataset.regex) {
        var ok = true;
        try {
          ok = new RegExp(input.dataset.regex).test(value);
        } catch (err) {
          ok = true;
        }
        if (!ok) bad = [input, input.dataset.cue || t("invalid", { field: name })];
      }
      if (value === "" || value === false) return;
      if (input.name === "emailAddress") contact.email = value;
      else if (input.name === "fullName") contact.name = value;
      else if (input.name === "phoneNumber") contact.phone_number = value;
      else if (input.dataset.custom) custom[input.name] = value;
    });
    var message = $("prechat-text").value.trim();
    if (!bad && !message) bad = [$("prechat-text"), t("required", { field: t("message") })];
    var err = $("prechat-error");
    if (bad) {
      err.textContent = bad[1];
      err.hidden = false;
      bad[0].focus();
      return;
    }
    err.hidden = true;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    startConversation(message, contact, custom)
      .then(function () {
        $("prechat-text").value = "";
      })
      .catch(function (error) {
        err.textContent = error.message || t("error");
        err.hidden = false;
      })
      .finally(function () {
        button.disabled = false;
      });
  }
  function startConversation(content, contact, custom) {
    var body = { contact: contact || {}, message: { content: content, timestamp: new Date().toString(), referer_url: S.referrerURL } };
    if (custom && Object.keys(custom).length) body.custom_attributes = custom;
    return call("POST", "conversations", body).then(function (conv) {
      if (contact && contact.email) S.contact.email = contact.email;
      if (contact && contact.name) S.contact.name = contact.name;
      S.conversation = conv && conv.id ? conv : { id: 0, status: "open" };
      if (conv && Array.isArray(conv.messages)) conv.messages.forEach(upsert);
      toParent({ event: "start-conversation", data: conv });
      return loadConversation();
    });
  }

  function upsert(m) {
    if (!m || m.id == null || m.private) return;
    var prev = S.messages.get(m.id);
    S.messages.set(m.id, prev ? Object.assign({}, prev, m) : m);
  }
  var rendered = new Map();
  var drafts = new Map();
  function renderMessages() {
    var list = $("messages");
    var all = Array.from(S.messages.values()).sort(function (a, b) {
      return a.created_at - b.created_at || a.id - b.id;
    });
    var stick = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    var lastMine = null;
    all.forEach(function (m) {
      if (m.message_type === 0) lastMine = m;
    });
    // Nodes are kept per message and rebuilt only when the message changes, so a half-filled form or a chosen
    // rating survives other messages arriving, and images are not reloaded.
    var keep = new Map();
    var nodes = all.map(function (m) {
      var key = JSON.stringify(m) + (m === lastMine) + S.locale;
      var cached = rendered.get(m.id);
      var node = cached && cached.key === key ? cached.node : renderMessage(m, m === lastMine);
      keep.set(m.id, { key: key, node: node });
      return node;
    });
    rendered = keep;
    if (nodes.length !== list.children.length || nodes.some(function (n, i) { return list.children[i] !== n; })) list.replaceChildren.apply(list, nodes);
    var th = $("thread");
    if (stick || th.dataset.scrolled !== "1") {
      th.scrollTop = th.scrollHeight;
      th.dataset.scrolled = "1";
    }
  }

  function renderMessage(m, showStatus) {
    var type = m.message_type;
    var li = el("li", "msg " + (type === 0 ? "mine" : type === 2 ? "activity" : "theirs"));
    li.dataset.id = m.id;
    if (type === 2) {
      li.appendChild(el("span", null, m.content || ""));
      return li;
    }
    if (type !== 0) {
      var who = (m.sender && (m.sender.available_name || m.sender.name)) || t("agent");
      li.appendChild(el("span", "who", who));
    }
    var bubble = el("div", "bubble");
    if (m.content) bubble.appendChild(markdown(m.content));
    (m.attachments || []).forEach(function (a) {
      bubble.appendChild(renderAttachment(a));
    });
    if (bubble.childNodes.length) li.appendChild(bubble);
    var attrs = m.content_attributes || {};
    var ct = m.content_type;
    if (ct === "input_select") li.appendChild(renderOptions(m, attrs));
    else if (ct === "cards") li.appendChild(renderCards(attrs));
    else if (ct === "form") li.appendChild(renderForm(m, attrs));
    else if (ct === "input_csat") li.appendChild(renderCsat(m, attrs));
    else if (ct === "input_email") li.appendChild(renderEmailPrompt(m, attrs));
    if (showStatus && m.status) li.appendChild(el("span", "status " + m.status, t(m.status)));
    return li;
  }
  function renderAttachment(a) {
    var url = safeUrl(a.data_url);
    if (!url) return el("span");
    if (a.file_type === "image") {
      var link = el("a", "att-image");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      var img = el("img");
      img.src = safeUrl(a.thumb_url) || url;
      img.alt = a.file_name || "";
      img.loading = "lazy";
      // an image the browser cannot show stays reachable as a file link
      img.addEventListener("error", function () {
        link.className = "att-file";
        link.replaceChildren(document.createTextNode(fileLabel(a)));
        keepAtBottom();
      });
      img.addEventListener("load", keepAtBottom);
      link.appendChild(img);
      return link;
    }
    var file = el("a", "att-file", fileLabel(a));
    file.href = url;
    file.target = "_blank";
    file.rel = "noopener noreferrer";
    return file;
  }
  /** A late-loading image keeps a visitor who was reading the newest message at the bottom. */
  function keepAtBottom() {
    var th = $("thread");
    if (th.scrollHeight - th.scrollTop - th.clientHeight < 240) th.scrollTop = th.scrollHeight;
  }
  function fileLabel(a) {
    return a.file_name || t("attachment") + (a.extension ? " (." + String(a.extension).replace(/^\./, "") + ")" : "");
  }
  function safeUrl(u) {
    if (!u) return "";
    try {
      var url = new URL(String(u), location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
    } catch (e) {
      return "";
    }
  }

  // Markdown subset as DOM nodes: **bold**, *italic* or _italic_, `code`, [text](url), bare URLs, line breaks.
  function markdown(text) {
    var frag = document.createElement("div");
    frag.className = "text";
    var re = /(\*\*([^*]+)\*\*)|(`([^`]+)`)|(\[([^\]]+)\]\((https?:\/\/[^\s)]+)\))|(https?:\/\/[^\s<]+[^\s<.,;:!?)\]])|(\*([^*\s][^*]*)\*)|(\b_([^_]+)_\b)|(\n)/g;
    var last = 0;
    var m;
    var s = String(text);
    while ((m = re.exec(s))) {
      if (m.index > last) frag.appendChild(document.createTextNode(s.slice(last, m.index)));
      if (m[1]) frag.appendChild(el("strong", null, m[2]));
      else if (m[3]) frag.appendChild(el("code", null, m[4]));
      else if (m[5] || m[8]) {
        var a = el("a", null, m[5] ? m[6] : m[8]);
        a.href = m[5] ? m[7] : m[8];
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow";
        frag.appendChild(a);
      } else if (m[9]) frag.appendChild(el("em", null, m[10]));
      else if (m[11]) frag.appendChild(el("em", null, m[12]));
      else frag.appendChild(el("br"));
      last = re.lastIndex;
    }
    if (last < s.length) frag.appendChild(document.createTextNode(s.slice(last)));
    return frag;
  }

  function submitted(m) {
    var v = (m.content_attributes || {}).submitted_values;
    return v && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0) ? v : null;
  }
  /** PATCH messages/:id: `submitted_values` for options and forms, `csat_survey_response` or `submitted_email` otherwise. */
  function answer(m, values, body) {
    return call("PATCH", "messages/" + m.id, { message: body || { submitted_values: values } }).then(function (res) {
      var attrs = Object.assign({}, m.content_attributes || {}, { submitted_values: values });
      upsert(Object.assign({}, m, res && res.id ? res : {}, { content_attributes: (res && res.content_attributes) || attrs }));
      renderMessages();
    });
  }
  function renderOptions(m, attrs) {
    var box = el("div", "options");
    var done = submitted(m);
    (attrs.items || []).forEach(function (item) {
      var b = el("button", "option", item.title);
      b.type = "button";
      var chosen = done && done.some && done.some(function (v) {
        return v.value === item.value || v.title === item.title;
      });
      if (chosen) b.classList.add("chosen");
      b.disabled = !!done;
      b.addEventListener("click", function () {
        answer(m, [{ title: item.title, value: item.value }]).catch(function () {});
      });
      box.appendChild(b);
    });
    return box;
  }
  function renderCards(attrs) {
    var box = el("div", "cards");
    (attrs.items || []).forEach(function (card) {
      var c = el("div", "card");
      var media = safeUrl(card.media_url);
      if (media) {
        var img = el("img");
        img.src = media;
        img.alt = "";
        c.appendChild(img);
      }
      c.appendChild(el("strong", null, card.title || ""));
      if (card.description) c.appendChild(el("p", null, card.description));
      (card.actions || []).forEach(function (action) {
        if (action.type === "link") {
          var href = safeUrl(action.uri);
          if (!href) return;
          var a = el("a", "card-action", action.text);
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          c.appendChild(a);
        } else {
          var b = el("button", "card-action", action.text);
          b.type = "button";
          b.addEventListener("click", function () {
            toParent({ event: "postback", data: { title: action.text, payload: action.payload } });
            sendText(action.text);
          });
          c.appendChild(b);
        }
      });
      box.appendChild(c);
    });
    return box;
  }
  function renderForm(m, attrs) {
    var form = el("form", "msg-form");
    var done = submitted(m);
    var values = {};
    (Array.isArray(done) ? done : []).forEach(function (v) {
      values[v.name] = v.value;
    });
    var formDraft = drafts.get(m.id) || drafts.set(m.id, {}).get(m.id);
    (attrs.items || []).forEach(function (item, i) {
      var id = "f-" + m.id + "-" + i;
      var label = el("label", null, item.label || item.name);
      label.htmlFor = id;
      var input;
      if (item.type === "select") {
        input = el("select");
        (item.options || []).forEach(function (o) {
          var opt = el("option", null, o.label);
          opt.value = o.value;
          input.appendChild(opt);
        });
      } else if (item.type === "textarea" || item.type === "text_area") input = el("textarea");
      else {
        input = el("input");
        input.type = item.type === "email" ? "email" : "text";
      }
      input.id = id;
      input.name = item.name;
      if (item.placeholder) input.placeholder = item.placeholder;
      if (item.default) input.value = item.default;
      if (values[item.name] != null) input.value = values[item.name];
      else if (formDraft[item.name] != null) input.value = formDraft[item.name];
      input.addEventListener("input", function () {
        formDraft[item.name] = input.value;
      });
      input.required = item.required !== false;
      input.disabled = !!done;
      form.appendChild(label);
      form.appendChild(input);
    });
    var b = el("button", "btn", done ? t("submitted") : t("submit"));
    b.type = "submit";
    b.disabled = !!done;
    form.appendChild(b);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!form.reportValidity()) return;
      var out = (attrs.items || []).map(function (item) {
        return { name: item.name, title: item.label || item.name, value: form.elements[item.name].value };
      });
      answer(m, out).catch(function () {});
    });
    return form;
  }
  function renderCsat(m, attrs) {
    var box = el("form", "csat");
    var done = submitted(m);
    var prior = done && done.csat_survey_response;
    if (prior) {
      box.appendChild(el("p", "csat-thanks", t("csat_thanks")));
      box.appendChild(el("span", "stars", "★★★★★".slice(0, prior.rating || 0)));
      return box;
    }
    box.appendChild(el("p", null, t("csat")));
    var row = el("div", "ratings");
    // the visitor's unsent choice survives a re-render of this message (e.g. a message.updated)
    var draft = drafts.get(m.id) || drafts.set(m.id, { rating: 0, comment: "" }).get(m.id);
    var rating = draft.rating;
    ["😞", "😕", "😐", "🙂", "😀"].forEach(function (face, i) {
      var b = el("button", "rating", face);
      b.type = "button";
      b.setAttribute("aria-label", String(i + 1));
      b.dataset.rating = String(i + 1);
      if (rating === i + 1) b.classList.add("chosen");
      b.addEventListener("click", function () {
        rating = draft.rating = i + 1;
        row.querySelectorAll("button").forEach(function (x) {
          x.classList.toggle("chosen", Number(x.dataset.rating) === rating);
        });
        send.disabled = false;
      });
      row.appendChild(b);
    });
    box.appendChild(row);
    var comment = el("textarea", "csat-comment");
    comment.placeholder = t("csat_comment");
    comment.setAttribute("aria-label", t("csat_comment"));
    comment.value = draft.comment;
    comment.addEventListener("input", function () {
      draft.comment = comment.value;
    });
    box.appendChild(comment);
    var send = el("button", "btn", t("submit"));
    send.type = "submit";
    send.disabled = !rating;
    box.appendChild(send);
    box.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!rating) return;
      var response = { rating: rating, feedback_message: comment.value.trim() };
      answer(m, { csat_survey_response: response }, { csat_survey_response: response }).catch(function () {});
    });
    return box;
  }
  function renderEmailPrompt(m) {
    var form = el("form", "msg-form inline");
    var done = submitted(m) || ((m.content_attributes || {}).submitted_email ? { email: m.content_attributes.submitted_email } : null);
    var input = el("input");
    input.type = "email";
    input.required = true;
    input.placeholder = t("email");
    input.setAttribute("aria-label", t("email_prompt"));
    if (done && done.email) input.value = done.email;
    input.disabled = !!done;
    var b = el("button", "btn", done ? t("submitted") : t("submit"));
    b.type = "submit";
    b.disabled = !!done;
    form.appendChild(input);
    form.appendChild(b);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!form.reportValidity()) return;
      var email = input.value.trim();
      answer(m, { email: email }, { submitted_email: email })
        .then(function () {
          // the address becomes the contact's when they had none, which offers the transcript
          if (S.contact && !S.contact.email) S.contact.email = email.toLowerCase();
          render();
        })
        .catch(function () {});
    });
    return form;
  }

  /* ---------- sending ---------- */
  function sendText(content) {
    if (!S.conversation) return startConversation(content, {}, null);
    return call("POST", "messages", { message: { content: content, timestamp: new Date().toString(), referer_url: S.referrerURL } }).then(function (m) {
      upsert(m);
      renderMessages();
    });
  }
  function onCompose(e) {
    e.preventDefault();
    var input = $("input");
    var content = input.value.trim();
    if (!content) return;
    input.value = "";
    typing(false);
    sendText(content).catch(function (err) {
      input.value = content;
      showError(err.message || t("error"));
    });
  }
  function onFile() {
    var file = $("file").files[0];
    if (!file) return;
    var send = function () {
      var fd = new FormData();
      fd.append("message[attachments][]", file, file.name);
      fd.append("message[referer_url]", S.referrerURL);
      fd.append("message[timestamp]", new Date().toString());
      return call("POST", "messages", fd).then(function (m) {
        upsert(m);
        renderMessages();
      });
    };
    (S.conversation ? send() : startConversation(file.name, {}, null).then(send))
      .catch(function (err) {
        showError(err.message || t("error"));
      })
      .finally(function () {
        $("file").value = "";
      });
  }
  function typing(on) {
    clearTimeout(S.typingTimer);
    if (on) S.typingTimer = setTimeout(typing, 3000, false);
    if (on === S.typingOn || !S.conversation) return;
    S.typingOn = on;
    call("POST", "conversations/toggle_typing", { typing_status: on ? "on" : "off" }).catch(function () {});
  }
  function onOpen() {
    S.unread = 0;
    toParent({ event: "unread", count: 0 });
    if (!S.triggered) {
      S.triggered = true;
      var ua = navigator.userAgent;
      var b = /(Edg|OPR|Chrome|Firefox|Version)\/([\d.]+)/.exec(ua) || [];
      var name = { Edg: "Edge", OPR: "Opera", Version: "Safari" }[b[1]] || b[1] || "";
      var os = /Windows|Mac OS X|Android|iPhone|iPad|Linux/.exec(ua);
      call("POST", "events", {
        name: "webwidget.triggered",
        event_info: {
          initiated_at: { timestamp: new Date().toString() },
          referer: S.referrerURL,
          widget_language: S.locale,
          browser_language: navigator.language,
          browser: { browser_name: name, browser_version: b[2] || "", device_name: /Mobi/.test(ua) ? "mobile" : "desktop", platform_name: os ? os[0] : "", platform_version: "" },
        },
      }).catch(function () {});
    }
    if (S.conversation) call("POST", "conversations/update_last_seen", {}).catch(function () {});
    setTimeout(function () {
      var input = needsPrechat() ? $("prechat-fields").querySelector("input") : $("input");
      if (input && !matchMedia("(pointer: coarse)").matches) input.focus();
    }, 30);
  }

  /* ---------- emoji picker ---------- */
  // A curated set in five categories; the first of each is the category's tab. Built on first open.
  var EMOJI = [
    "😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 🙃 😉 😌 😍 🥰 😘 😋 😛 😜 🤪 🤗 🤔 🤨 😐 😑 😶 🙄 😏 😬 😴 😷 🤒 🥳 😎 🤓 😕 😟 🙁 😮 😲 😳 🥺 😢 😭 😤 😠 😡",
    "👍 👎 👌 ✌️ 🤞 🤝 🙏 👏 🙌 👋 🤙 💪 👉 👈 👆 👇 ✋ 🤚 🖐️ ✍️ 🫶 🤷 🤦 🙋",
    "❤️ 🧡 💛 💚 💙 💜 🖤 🤍 💔 💯 ✅ ❌ ⚠️ ❓ ❗ ⭐ 🌟 ✨ 🔥 🎉 🎊 🎁 💡 📌",
    "📦 🚚 ✈️ 🏠 🏢 💼 📅 ⏰ 📞 📱 💻 🖥️ 🖨️ 📧 ✉️ 📎 🔒 🔑 💳 💰 🛒 🧾 📄 📝 🔧 ⚙️",
    "☀️ 🌤️ 🌧️ ❄️ 🌈 🌸 🌻 🌲 🍀 🐶 🐱 🐼 🦊 🐝 ☕ 🍵 🍕 🍔 🍟 🍰 🍪 🍎 🍺 🍷",
  ];
  var COLS = 8;
  var emojiCat = 0;
  function emojiOpen() {
    return !$("emoji-panel").hidden;
  }
  function buildEmojiPanel() {
    var panel = $("emoji-panel");
    var names = t("emoji_cats").split("|");
    var tabs = el("div", "emoji-tabs");
    tabs.setAttribute("role", "tablist");
    EMOJI.forEach(function (set, i) {
      var tab = el("button", "emoji-tab", set.split(" ")[0]);
      tab.type = "button";
      tab.id = "emoji-tab-" + i;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-label", names[i] || "");
      tab.setAttribute("aria-controls", "emoji-grid");
      tab.addEventListener("click", function () {
        showEmojiCat(i, false);
      });
      tabs.appendChild(tab);
    });
    tabs.addEventListener("keydown", function (e) {
      var d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!d) return;
      e.preventDefault();
      var next = (emojiCat + d + EMOJI.length) % EMOJI.length;
      showEmojiCat(next, false);
      $("emoji-tab-" + next).focus();
    });
    var grid = el("div", "emoji-grid");
    grid.id = "emoji-grid";
    grid.setAttribute("role", "tabpanel");
    grid.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (b) pickEmoji(b.textContent);
    });
    grid.addEventListener("keydown", function (e) {
      var items = Array.prototype.slice.call(grid.children);
      var i = items.indexOf(document.activeElement);
      if (i < 0) return;
      var n = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLS, ArrowUp: -COLS, Home: -i, End: items.length - 1 - i }[e.key];
      if (n === undefined) return;
      e.preventDefault();
      focusEmoji(Math.max(0, Math.min(items.length - 1, i + n)));
    });
    panel.replaceChildren(tabs, grid);
    panel.dataset.locale = S.locale;
  }
  function showEmojiCat(i, focus) {
    emojiCat = i;
    var grid = $("emoji-grid");
    grid.setAttribute("aria-labelledby", "emoji-tab-" + i);
    grid.replaceChildren.apply(
      grid,
      EMOJI[i].split(" ").map(function (e, j) {
        var b = el("button", "emoji", e);
        b.type = "button";
        b.tabIndex = j === 0 ? 0 : -1;
        return b;
      }),
    );
    document.querySelectorAll(".emoji-tab").forEach(function (tab, j) {
      tab.setAttribute("aria-selected", String(j === i));
      tab.tabIndex = j === i ? 0 : -1;
    });
    if (focus) focusEmoji(0);
  }
  /** Roving focus: the focused emoji is the grid's one tab stop. */
  function focusEmoji(j) {
    var items = $("emoji-grid").children;
    for (var k = 0; k < items.length; k++) items[k].tabIndex = k === j ? 0 : -1;
    if (items[j]) items[j].focus();
  }
  function toggleEmoji(open) {
    var panel = $("emoji-panel");
    if (open === emojiOpen()) return;
    if (open && panel.dataset.locale !== S.locale) buildEmojiPanel();
    panel.hidden = !open;
    $("emoji-toggle").setAttribute("aria-expanded", String(open));
    if (open) showEmojiCat(emojiCat, true);
  }
  /** Inserts at the caret (replacing a selection), closes the picker and leaves the caret after the emoji. */
  function pickEmoji(text) {
    var input = $("input");
    var start = input.selectionStart == null ? input.value.length : input.selectionStart;
    var end = input.selectionEnd == null ? start : input.selectionEnd;
    input.setRangeText(text, start, end, "end");
    toggleEmoji(false);
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* ---------- transcript ---------- */
  function canRequestTranscript() {
    return !!(S.conversation && S.conversation.id && S.contact && S.contact.email);
  }
  function requestTranscript() {
    var b = $("transcript");
    var status = $("transcript-status");
    b.disabled = true;
    call("POST", "conversations/transcript", {})
      .then(function () {
        status.textContent = t("transcript_sent", { email: S.contact.email });
        status.classList.remove("failed");
      })
      .catch(function (err) {
        status.textContent = err.message || t("error");
        status.classList.add("failed");
      })
      .finally(function () {
        status.hidden = false;
        b.disabled = false;
      });
  }

  /* ---------- realtime ---------- */
  var socket = null;
  var cableToken = "";
  function connectCable() {
    var token = S.contact && S.contact.pubsub_token;
    if (!token || (socket && cableToken === token && socket.readyState < 2)) return;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    cableToken = token;
    var identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: token });
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/cable", ["actioncable-v1-json", "actioncable-unsupported"]);
    socket = ws;
    ws.onmessage = function (e) {
      var f;
      try {
        f = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (f.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier: identifier }));
      else if (f.type === "confirm_subscription") {
        // catch up on what was sent while the socket was not subscribed (start-up, reconnects)
        if (document.body.dataset.ready === "true") loadConversation().catch(function () {});
        document.body.dataset.live = "true";
        ws.send(JSON.stringify({ command: "message", identifier: identifier, data: JSON.stringify({ action: "update_presence" }) }));
      } else if (f.message && f.message.event) onEvent(f.message.event, f.message.data || {});
    };
    ws.onclose = function () {
      document.body.dataset.live = "false";
      if (socket === ws) setTimeout(connectCable, 2000), (socket = null);
    };
    clearInterval(S.presence);
    S.presence = setInterval(function () {
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ command: "message", identifier: identifier, data: JSON.stringify({ action: "update_presence" }) }));
    }, 20000);
  }
  function onEvent(event, data) {
    if (event === "message.created" || event === "message.updated") {
      if (data.private) return;
      if (!S.conversation && event === "message.created") {
        loadConversation();
        return;
      }
      var fresh = !S.messages.has(data.id);
      upsert(data);
      renderMessages();
      if (event === "message.created" && fresh && data.message_type === 1) {
        setTyping(null);
        toParent({ event: "on-message", data: data });
        if (!S.open && !S.popout) toParent({ event: "unread", count: ++S.unread });
        else call("POST", "conversations/update_last_seen", {}).catch(function () {});
      }
    } else if (event === "conversation.typing_on" || event === "conversation.typing_off") {
      if (data.is_private || (data.user && data.user.type === "contact")) return;
      setTyping(event === "conversation.typing_on" ? (data.user && (data.user.available_name || data.user.name)) || t("agent") : null);
    } else if (event === "conversation.status_changed" || event === "conversation.updated" || event === "conversation.created") {
      if (S.conversation && data.status) S.conversation.status = data.status;
      else if (!S.conversation) loadConversation();
      render();
    }
  }
  function setTyping(name) {
    var box = $("typing");
    box.hidden = !name;
    box.textContent = name ? t("typing", { name: name }) : "";
  }

  /* ---------- start ---------- */
  function start() {
    if (S.popout) document.documentElement.classList.add("popout");
    setLocale(S.locale);
    $("prechat-form").addEventListener("submit", submitPrechat);
    $("compose").addEventListener("submit", onCompose);
    $("input").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) onCompose(e);
    });
    $("input").addEventListener("input", function () {
      typing(this.value.trim().length > 0);
    });
    $("file").addEventListener("change", onFile);
    $("emoji-toggle").addEventListener("click", function () {
      toggleEmoji(!emojiOpen());
    });
    $("emoji-panel").addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      e.preventDefault();
      toggleEmoji(false);
      $("emoji-toggle").focus();
    });
    document.addEventListener("pointerdown", function (e) {
      if (emojiOpen() && !e.target.closest("#emoji-panel, #emoji-toggle")) toggleEmoji(false);
    });
    $("transcript").addEventListener("click", requestTranscript);
    $("close").addEventListener("click", function () {
      if (S.popout) window.close();
      else toParent({ event: "close" });
    });
    $("popout").addEventListener("click", function () {
      toParent({ event: "popout" });
    });
    $("new-conversation").addEventListener("click", function () {
      S.conversation = null;
      S.messages.clear();
      render();
    });
    if (S.popout) $("close").hidden = !window.opener;
    // With the data the page embeds the widget is usable at once, without a request: "loaded" says so.
    var data = embedded();
    if (data) {
      applyBoot(data);
      setConversation(data.conversation, data.messages);
      markReady();
    }
    toParent({ event: "loaded", ready: !!data, color: data ? S.config.widget_color : null });
    if (!data) boot();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
