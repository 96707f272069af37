/* Parley website live chat loader: window.chatwootSDK.run({ websiteToken, baseUrl }) and window.$chatwoot.
   Speaks Chatwoot's embed API; the chat itself runs in an iframe served from baseUrl (/widget). No inline
   styles or <style> elements: every style is set through the CSSOM, so host pages with a strict CSP work. */
(function () {
  "use strict";
  if (window.chatwootSDK && window.chatwootSDK.parley) return;
  var PREFIX = "chatwoot-widget:";
  var PHONE = 667;
  var COOKIE_DAYS = 365;

  function css(el, rules) {
    for (var k in rules) el.style[k] = rules[k];
    return el;
  }
  function make(tag, rules, attrs) {
    var el = css(document.createElement(tag), rules || {});
    for (var k in attrs || {}) el.setAttribute(k, attrs[k]);
    return el;
  }
  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  }
  function writeCookie(name, value, domain) {
    var expires = new Date(Date.now() + COOKIE_DAYS * 864e5).toUTCString();
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + encodeURIComponent(value) + "; expires=" + expires + "; path=/; SameSite=Lax" + secure + (domain ? "; domain=" + domain : "");
  }
  function removeCookie(name, domain) {
    document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/" + (domain ? "; domain=" + domain : "");
  }
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return (h >>> 0).toString(16);
  }
  function emit(name, detail) {
    window.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  var ICON_CHAT =
    "M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.6 21l4.3-2.4c1 .3 2 .4 3.1.4 5.5 0 10-3.6 10-8s-4.5-8-10-8z";
  var ICON_CLOSE = "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z";
  function icon(path) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "26");
    svg.setAttribute("height", "26");
    svg.setAttribute("aria-hidden", "true");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", path);
    p.setAttribute("fill", "currentColor");
    svg.appendChild(p);
    return svg;
  }

  function run(options) {
    if (window.$chatwoot && window.$chatwoot.hasLoaded) return;
    var websiteToken = String((options && options.websiteToken) || "");
    var baseUrl = String((options && options.baseUrl) || "").replace(/\/+$/, "");
    var origin;
    try {
      origin = new URL(baseUrl).origin;
    } catch (e) {
      emit("chatwoot:error", { message: "Invalid baseUrl" });
      return;
    }
    var s = window.chatwootSettings || {};
    var left = s.position === "left";
    var expanded = s.type === "expanded_bubble";
    var domain = s.baseDomain || "";
    var userCookie = "cw_user_" + websiteToken;
    var state = { open: false, ready: false, unread: 0, bubbleHidden: !!s.hideMessageBubble, queue: [], color: "#1f93ff", token: readCookie("cw_conversation") };

    var api = (window.$chatwoot = {
      hasLoaded: true,
      websiteToken: websiteToken,
      baseUrl: baseUrl,
      isOpen: false,
      position: left ? "left" : "right",
      hideMessageBubble: !!s.hideMessageBubble,
      locale: s.locale || (s.useBrowserLanguage ? navigator.language : "") || "",
      type: expanded ? "expanded_bubble" : "standard",
      launcherTitle: s.launcherTitle || "",
      showPopoutButton: !!s.showPopoutButton,
      darkMode: s.darkMode || "light",
      toggle: function (to) {
        setOpen(to === "open" ? true : to === "close" ? false : !state.open);
      },
      toggleBubbleVisibility: function (v) {
        state.bubbleHidden = v === "hide" ? true : v === "show" ? false : !state.bubbleHidden;
        layout();
      },
      popoutChatWindow: function () {
        popout();
      },
      setUser: function (identifier, user) {
        if (typeof identifier !== "string" && typeof identifier !== "number") throw new Error("Identifier should be a string or a number");
        if (!user || (!user.email && !user.name && !user.avatar_url)) throw new Error("User object should have one of the keys [avatar_url, email, name]");
        var digest = hash(JSON.stringify([String(identifier), user]));
        if (readCookie(userCookie) === digest) return;
        pending = digest;
        send({ event: "set-user", identifier: String(identifier), user: user });
      },
      setCustomAttributes: function (attrs) {
        if (!attrs || typeof attrs !== "object" || !Object.keys(attrs).length) throw new Error("Custom attributes should have atleast one key");
        send({ event: "set-custom-attributes", customAttributes: attrs });
      },
      deleteCustomAttribute: function (key) {
        if (!key) throw new Error("Custom attribute is required");
        send({ event: "delete-custom-attribute", customAttribute: String(key) });
      },
      setConversationCustomAttributes: function (attrs) {
        if (!attrs || typeof attrs !== "object" || !Object.keys(attrs).length) throw new Error("Custom attributes should have atleast one key");
        send({ event: "set-conversation-custom-attributes", customAttributes: attrs });
      },
      deleteConversationCustomAttribute: function (key) {
        if (!key) throw new Error("Custom attribute is required");
        send({ event: "delete-conversation-custom-attribute", customAttribute: String(key) });
      },
      setLabel: function (label) {
        send({ event: "set-label", label: String(label || "") });
      },
      removeLabel: function (label) {
        send({ event: "remove-label", label: String(label || "") });
      },
      setLocale: function (locale) {
        api.locale = String(locale || "en");
        send({ event: "set-locale", locale: api.locale });
      },
      setColorScheme: function (scheme) {
        api.darkMode = scheme === "auto" || scheme === "dark" ? scheme : "light";
        send({ event: "set-color-scheme", darkMode: api.darkMode });
      },
      reset: function () {
        setOpen(false);
        removeCookie("cw_conversation", domain);
        removeCookie(userCookie, domain);
        state.token = "";
        state.ready = false;
        state.unread = 0;
        iframe.src = widgetUrl();
        layout();
      },
    });
    var pending = "";

    function widgetUrl(extra) {
      var q = "?website_token=" + encodeURIComponent(websiteToken);
      if (state.token) q += "&cw_conversation=" + encodeURIComponent(state.token);
      if (api.locale) q += "&locale=" + encodeURIComponent(api.locale);
      return baseUrl + "/widget" + q + (extra || "");
    }
    function send(message) {
      if (!state.ready) return state.queue.push(message);
      iframe.contentWindow.postMessage(PREFIX + JSON.stringify(message), origin);
    }
    function popout() {
      window.open(widgetUrl("&popout=1"), "parley-chat", "resizable=off,width=400,height=620");
      setOpen(false);
    }

    var holder = make("div", { position: "fixed", bottom: "104px", zIndex: "2147483000", width: "400px", height: "min(680px, calc(100vh - 124px))", borderRadius: "16px", overflow: "hidden", boxShadow: "0 12px 48px rgba(0,0,0,.18)", display: "none", background: "transparent" }, { id: "cw-widget-holder", "data-parley": "holder" });
    holder.style[left ? "left" : "right"] = "20px";
    var iframe = make("iframe", { width: "100%", height: "100%", border: "0", colorScheme: "normal" }, { id: "chatwoot_live_chat_widget", title: "Live chat", allow: "clipboard-write", src: widgetUrl() });
    holder.appendChild(iframe);

    var bubble = make("button", { position: "fixed", bottom: "20px", zIndex: "2147483000", height: "64px", minWidth: "64px", padding: expanded ? "0 22px 0 18px" : "0", border: "0", borderRadius: "32px", color: "#fff", cursor: "pointer", display: "flex", alignItems: "center", justifyContent: "center", gap: "8px", font: "600 16px system-ui, sans-serif", boxShadow: "0 6px 20px rgba(0,0,0,.2)" }, { type: "button", id: "cw-bubble", "aria-label": "Open chat", "data-parley": "bubble" });
    bubble.style[left ? "left" : "right"] = "20px";
    var bubbleIcon = make("span", { display: "flex" });
    bubbleIcon.appendChild(icon(ICON_CHAT));
    var bubbleText = make("span", { display: expanded ? "inline" : "none" });
    bubbleText.textContent = s.launcherTitle || "Chat with us";
    var badge = make("span", { position: "absolute", top: "-4px", right: "-4px", minWidth: "22px", height: "22px", borderRadius: "11px", background: "#e5484d", color: "#fff", font: "700 12px/22px system-ui, sans-serif", textAlign: "center", display: "none", padding: "0 5px", boxSizing: "border-box" }, { "data-parley": "unread" });
    bubble.appendChild(bubbleIcon);
    bubble.appendChild(bubbleText);
    bubble.appendChild(badge);
    bubble.addEventListener("click", function () {
      api.toggle();
    });

    function layout() {
      var phone = window.innerWidth < PHONE;
      api.isOpen = state.open;
      holder.style.display = state.open ? "block" : "none";
      css(holder, phone ? { top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", borderRadius: "0" } : { top: "auto", bottom: "104px", width: "400px", height: "min(680px, calc(100vh - 124px))", borderRadius: "16px" });
      if (!phone) {
        holder.style[left ? "right" : "left"] = "auto";
        holder.style[left ? "left" : "right"] = "20px";
      }
      bubble.style.background = state.color;
      bubble.style.display = state.bubbleHidden || (phone && state.open) ? "none" : "flex";
      bubble.setAttribute("aria-label", state.open ? "Close chat" : "Open chat");
      bubble.setAttribute("aria-expanded", String(state.open));
      bubbleIcon.replaceChildren(icon(state.open ? ICON_CLOSE : ICON_CHAT));
      bubbleText.style.display = expanded && !state.open ? "inline" : "none";
      css(bubble, { padding: expanded && !state.open ? "0 22px 0 18px" : "0", width: expanded && !state.open ? "auto" : "64px" });
      badge.textContent = state.unread > 9 ? "9+" : String(state.unread);
      badge.style.display = state.unread && !state.open ? "block" : "none";
    }
    function setOpen(open) {
      if (open === state.open) return;
      state.open = open;
      if (open) state.unread = 0;
      layout();
      send({ event: "toggle-open", isOpen: open });
      emit(open ? "chatwoot:opened" : "chatwoot:closed");
    }

    /** The widget is usable: brand colour on the launcher, chatwoot:ready once per load of the iframe. */
    function ready(color) {
      if (color && /^#[0-9a-fA-F]{3,8}$/.test(color)) state.color = color;
      layout();
      if (state.readyEmitted) return;
      state.readyEmitted = true;
      emit("chatwoot:ready");
    }
    window.addEventListener("message", function (e) {
      if (e.origin !== origin || e.source !== iframe.contentWindow) return;
      if (typeof e.data !== "string" || e.data.indexOf(PREFIX) !== 0) return;
      var m;
      try {
        m = JSON.parse(e.data.slice(PREFIX.length));
      } catch (err) {
        return;
      }
      switch (m.event) {
        case "loaded":
          state.ready = true;
          iframe.contentWindow.postMessage(
            PREFIX + JSON.stringify({ event: "config-set", locale: api.locale, position: api.position, darkMode: api.darkMode, showPopoutButton: api.showPopoutButton, isOpen: state.open, referrerURL: location.href, referrerHost: location.host, phone: window.innerWidth < PHONE, welcomeTitle: s.welcomeTitle, welcomeDescription: s.welcomeDescription, availableMessage: s.availableMessage, unavailableMessage: s.unavailableMessage, enableFileUpload: s.enableFileUpload, enableEmojiPicker: s.enableEmojiPicker, enableEndConversation: s.enableEndConversation }),
            origin,
          );
          while (state.queue.length) send(state.queue.shift());
          // a widget that started from its embedded data sends its colour at once; chatwoot:ready waits for its
          // "ready", which follows the session cookie (set-auth-cookie), so the host sees both together
          state.readyEmitted = false;
          if (m.ready && m.color && /^#[0-9a-fA-F]{3,8}$/.test(m.color)) {
            state.color = m.color;
            layout();
          }
          break;
        case "ready":
          ready(m.color);
          break;
        case "set-auth-cookie":
          state.token = String(m.token || "");
          if (state.token) writeCookie("cw_conversation", state.token, domain);
          break;
        case "set-user-done":
          if (pending) writeCookie(userCookie, pending, domain);
          pending = "";
          break;
        case "close":
          setOpen(false);
          break;
        case "popout":
          popout();
          break;
        case "unread":
          if (!state.open) {
            state.unread = Math.max(0, Number(m.count) || 0);
            layout();
          }
          break;
        case "on-message":
          emit("chatwoot:on-message", m.data);
          break;
        case "start-conversation":
          emit("chatwoot:on-start-conversation", m.data);
          break;
        case "postback":
          emit("chatwoot:postback", m.data);
          break;
        case "error":
          if (m.data && m.data.setUser) pending = "";
          emit("chatwoot:error", m.data);
          break;
      }
    });
    window.addEventListener("resize", layout);

    function mount() {
      document.body.appendChild(holder);
      document.body.appendChild(bubble);
      layout();
    }
    if (document.body) mount();
    else document.addEventListener("DOMContentLoaded", mount);
  }

  window.chatwootSDK = { run: run, parley: true };
})();
