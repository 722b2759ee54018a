// The publish log, live: each server-sent event of /api/publishes/{id}/events is one
// line of the publish's log (as `pgprod logs --json`); progress of index builds and
// backfills updates one line per step; the last event is the outcome. Text only
// (textContent): nothing from the log is read as HTML.
(function () {
  "use strict";

  function line(log, text, css) {
    var item = document.createElement("li");
    if (css) { item.className = css; }
    item.textContent = text;
    log.appendChild(item);
    return item;
  }

  function details(event) {
    return Object.keys(event)
      .filter(function (k) { return ["t", "event", "step", "sql"].indexOf(k) < 0; })
      .map(function (k) {
        var v = event[k];
        return k + "=" + (typeof v === "object" ? JSON.stringify(v) : v);
      }).join(" ");
  }

  function show(live, log, bars, event) {
    var step = "step" in event ? "step " + (Number(event.step) + 1) + " " : "";
    if (event.event === "start") {
      var started = line(log, step + "[" + event.phase + "] " + event.purpose, "start");
      var sql = document.createElement("pre");
      sql.className = "sql";
      sql.textContent = event.sql;
      started.appendChild(sql);
    } else if (event.event === "progress" || event.event === "batch") {
      var what = event.event === "batch" ? "backfill" : "index build, " + event.phase;
      var key = event.step + " " + what;
      var bar = bars[key];
      if (!bar) {
        bar = bars[key] = line(log, "", "progress");
        bar.appendChild(document.createElement("progress"));
        bar.appendChild(document.createElement("span"));
      }
      var total = Math.max(Number(event.total), 1);
      bar.firstChild.max = total;
      bar.firstChild.value = Number(event.done);
      bar.lastChild.textContent = " " + step + what + ": " +
        Math.floor(100 * Number(event.done) / total) + "% (" + event.done + "/" + event.total + ")";
    } else if (event.event === "failed") {
      line(log, step + "failed: " + event.message + (event.detail ? " (" + event.detail + ")" : ""), "error");
    } else if (event.event === "result") {
      outcome(live, event);
    } else if (event.event === "timing") {
      line(log, step + "done in " + event.seconds + " s" +
           (Number(event.attempts) > 1 ? " after " + event.attempts + " attempts" : ""), "done");
    } else if (event.event === "commit" || event.event === "done") {
      return;  // for resume: which steps took effect
    } else {
      line(log, (event.t || "").slice(11, 19) + " " + event.event + " " + step + details(event),
           event.event === "retry" ? "warn" : "");
    }
  }

  function outcome(live, result) {
    var ok = result.status === "done" || result.status === "contract pending" ||
      (result.status === "rolled back" && !result.error);
    var said = live.querySelector(".outcome");
    said.className = "outcome " + (ok ? "ok" : "error");
    var what = ok ? (result.rollback_of ? "rolled back " + result.rollback_of : "published") : result.status;
    var parts = [what + ": " + result.state];
    if (result.verified) { parts.push(result.verified); }
    if (result.error && result.error.message) { parts.push(result.error.message); }
    if (result.next) { parts.push("Next: " + result.next); }
    said.textContent = parts.join(". ");
  }

  function follow(live) {
    if (live.dataset.following) { return; }
    live.dataset.following = "1";
    // the form that started it has done its work: pressing it again would only refuse
    var forms = document.querySelectorAll("section.confirming");
    for (var i = 0; i < forms.length; i++) { forms[i].hidden = true; }
    var log = live.querySelector(".log");
    var bars = {};
    var source = new EventSource("/api/publishes/" + encodeURIComponent(live.dataset.publish) + "/events");
    source.onmessage = function (message) {
      var event = JSON.parse(message.data);
      show(live, log, bars, event);
      if (event.event === "result") { source.close(); }
    };
  }

  function attach(root) {
    var found = root.querySelectorAll ? root.querySelectorAll(".live[data-publish]") : [];
    for (var i = 0; i < found.length; i++) { follow(found[i]); }
    if (root.matches && root.matches(".live[data-publish]")) { follow(root); }
  }

  document.addEventListener("DOMContentLoaded", function () { attach(document); });
  document.addEventListener("htmx:load", function (e) { attach(e.target); });
  if (document.readyState !== "loading") { attach(document); }
})();
