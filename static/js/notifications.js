// Notification centre: snooze presets in the viewer's time zone, and the list following realtime events.
(function () {
  "use strict";

  // Snooze presets ("tomorrow, 9:00") are computed by the server in the viewer's time zone.
  function setOffsets(root) {
    var offset = String(new Date().getTimezoneOffset());
    (root || document).querySelectorAll(".notif-tz-offset").forEach(function (input) {
      input.value = offset;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    setOffsets(document);
  });
  document.addEventListener("htmx:after:swap", function () {
    setOffsets(document);
  });

  // On the notifications page, new notifications and snoozed ones coming back (changes nobody performed) reload the
  // list in place; the viewer's own actions already swapped it.
  var timer = null;
  document.addEventListener("parley:realtime", function (event) {
    var detail = event.detail || {};
    var centre = document.getElementById("notification-centre");
    if (!centre || !window.htmx) return;
    var name = detail.event || "";
    var data = detail.data || {};
    var external = name === "notification.created" || (name === "notification.updated" && !data.performer);
    if (!external) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      if (document.querySelector("#notification-centre [aria-expanded='true']")) return;
      window.htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#notification-centre",
        select: "#notification-centre",
        swap: "outerHTML",
      });
    }, 250);
  });
})();
