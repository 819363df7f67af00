// Lifeboat dashboard: live restore progress from the server's event stream (no inline scripts: CSP).
(function () {
  "use strict";
  function follow(box) {
    var id = box.getAttribute("data-restore-id");
    var source = new EventSource("/ui/events");
    var types = ["restore.started", "restore.progress", "restore.completed", "restore.failed",
      "restore.cancelled", "restore.approved"];
    function refresh() {
      fetch("/ui/restores/" + encodeURIComponent(id) + "/progress", {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var old = document.getElementById("progress");
          var tmp = document.createElement("div");
          tmp.innerHTML = html;
          var fresh = tmp.firstElementChild;
          if (old && fresh) old.replaceWith(fresh);
          var status = fresh ? fresh.getAttribute("data-status") : "";
          if (status === "completed" || status === "failed" || status === "cancelled") {
            source.close();
            document.querySelectorAll(".while-running").forEach(function (el) { el.hidden = true; });
          }
        });
    }
    types.forEach(function (t) {
      source.addEventListener(t, function (e) {
        try {
          var ev = JSON.parse(e.data);
          if (ev.data && ev.data.restore_id === id) refresh();
        } catch (ignored) { /* not an event of ours */ }
      });
    });
    source.addEventListener("error", function () { /* the browser reconnects with Last-Event-ID */ });
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-restore-id]#live");
    if (box) {
      var status = document.getElementById("progress");
      var s = status ? status.getAttribute("data-status") : "";
      if (s !== "completed" && s !== "failed" && s !== "cancelled") follow(box);
    }
  });
})();
