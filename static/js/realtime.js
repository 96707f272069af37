// Dashboard area: realtime. Loaded after app.js and before Alpine (components register on alpine:init).
// A tiny ActionCable client (no dependency) for /cable: subscribes to RoomChannel with the signed-in user's
// pubsub token (from <meta name="parley-realtime">), reconnects with backoff, reports presence every 20 s
// while the tab is visible, and re-dispatches every broadcast as a DOM event:
//   document → "parley:realtime"        detail {event, data}   (Chatwoot's realtime event name and payload)
//   document → "parley:realtime-status" detail {connected}
// Other scripts may call window.parleyRealtime.perform(action, data) (e.g. "update_presence").
(function () {
  "use strict";

  var PRESENCE_INTERVAL = 20000; // Chatwoot's PRESENCE_INTERVAL
  var STALE_AFTER = 10000; // the server pings every 3 s; silence this long means the socket is dead
  var MAX_BACKOFF = 30000;

  var socket = null;
  var identifier = null;
  var subscribed = false;
  var stopped = false;
  var attempts = 0;
  var lastSeen = 0;
  var reconnectTimer = null;
  var presenceTimer = null;
  var staleTimer = null;

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function readIdentity() {
    var meta = document.querySelector('meta[name="parley-realtime"]');
    if (!meta) return null;
    var token = meta.getAttribute("data-pubsub-token");
    var accountId = Number(meta.getAttribute("data-account-id"));
    var userId = Number(meta.getAttribute("data-user-id"));
    if (!token || !accountId || !userId) return null;
    return JSON.stringify({ channel: "RoomChannel", pubsub_token: token, account_id: accountId, user_id: userId });
  }

  function setStatus(connected) {
    if (subscribed === connected) return;
    subscribed = connected;
    api.connected = connected;
    emit("parley:realtime-status", { connected: connected });
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function perform(action, data) {
    if (!subscribed || !identifier) return false;
    var payload = {};
    if (data) for (var k in data) if (Object.prototype.hasOwnProperty.call(data, k)) payload[k] = data[k];
    payload.action = action;
    return send({ command: "message", identifier: identifier, data: JSON.stringify(payload) });
  }

  function reportPresence() {
    if (document.visibilityState === "visible") perform("update_presence");
  }

  function onFrame(event) {
    lastSeen = Date.now();
    var msg;
    try {
      msg = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    switch (msg.type) {
      case "welcome":
        attempts = 0;
        send({ command: "subscribe", identifier: identifier });
        return;
      case "ping":
        return;
      case "confirm_subscription":
        if (msg.identifier === identifier) setStatus(true);
        return;
      case "reject_subscription":
        // The token no longer matches (signed out, removed from the account): stop until the next page load.
        stopped = true;
        setStatus(false);
        socket.close();
        return;
      case "disconnect":
        if (msg.reconnect === false) stopped = true;
        return;
    }
    if (msg.identifier === identifier && msg.message && typeof msg.message.event === "string") {
      emit("parley:realtime", { event: msg.message.event, data: msg.message.data });
    }
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (stopped || !identifier) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/cable";
    var ws;
    try {
      ws = new WebSocket(url, ["actioncable-v1-json", "actioncable-unsupported"]);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    lastSeen = Date.now();
    ws.onmessage = onFrame;
    ws.onclose = function () {
      if (socket !== ws) return;
      socket = null;
      setStatus(false);
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer) return;
    attempts++;
    var delay = Math.min(MAX_BACKOFF, 500 * Math.pow(2, Math.min(attempts, 6)));
    delay = delay / 2 + Math.random() * (delay / 2);
    reconnectTimer = setTimeout(connect, delay);
  }

  function reopen() {
    if (socket) {
      var old = socket;
      socket = null;
      old.onclose = null;
      old.close();
    }
    setStatus(false);
    connect();
  }

  function checkStale() {
    if (socket && Date.now() - lastSeen > STALE_AFTER) reopen();
  }

  var api = {
    connected: false,
    perform: perform,
  };
  window.parleyRealtime = api;

  function start() {
    identifier = readIdentity();
    if (!identifier) return; // login, onboarding and other pages without a signed-in user
    connect();
    presenceTimer = setInterval(reportPresence, PRESENCE_INTERVAL);
    staleTimer = setInterval(checkStale, STALE_AFTER / 2);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") return;
      if (!socket || Date.now() - lastSeen > STALE_AFTER) reopen();
      else reportPresence();
    });
    // A boosted navigation may switch accounts: follow the new page's identity.
    document.addEventListener("htmx:after:settle", function () {
      var next = readIdentity();
      if (!next || next === identifier) return;
      identifier = next;
      stopped = false;
      reopen();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.addEventListener("pagehide", function () {
    stopped = true;
    clearInterval(presenceTimer);
    clearInterval(staleTimer);
    if (socket) socket.close();
  });
  // Restored from the back/forward cache: connect again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted || !identifier) return;
    stopped = false;
    presenceTimer = setInterval(reportPresence, PRESENCE_INTERVAL);
    staleTimer = setInterval(checkStale, STALE_AFTER / 2);
    reopen();
  });
})();
