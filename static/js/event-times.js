/* Event times in the reader's own time zone too (progressive enhancement). The server shows an
   event's times in the event's zone, with the zone's name, inside <time datetime="…+03:00">.
   When the browser's zone shows another wall-clock time, this adds "(13:00 your time)" in the
   page's language. The words come from the template (data-your-time, "{time}" marks where the
   time goes), so nothing here is English. Without JavaScript the event's own time stays. */
(function () {
  "use strict";

  var CLOCK = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  var DAY = { weekday: "short", day: "numeric", month: "short" };

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function formatter(lang, zone, options) {
    var all = { timeZone: zone };
    Object.keys(options).forEach(function (key) {
      all[key] = options[key];
    });
    try {
      return new Intl.DateTimeFormat(lang || undefined, all);
    } catch (e) {
      return null; // an unknown zone or language: leave the server's text alone
    }
  }

  function localText(start, end, eventZone, zone, lang) {
    var clock = formatter(lang, zone, CLOCK);
    var day = formatter(lang, zone, DAY);
    var eventDay = formatter(lang, eventZone, DAY);
    var eventClock = formatter(lang, eventZone, CLOCK);
    if (!clock || !day || !eventDay || !eventClock) return "";
    var sameDay = day.format(start) === eventDay.format(start);
    if (sameDay && clock.format(start) === eventClock.format(start)) return ""; // same wall clock
    var text = (sameDay ? "" : day.format(start) + " ") + clock.format(start);
    if (end) {
      var endSameDay = day.format(end) === day.format(start);
      text += "–" + (endSameDay ? "" : day.format(end) + " ") + clock.format(end);
    }
    return text;
  }

  function enhance(element, zone, lang) {
    var eventZone = element.getAttribute("data-time-zone");
    var words = element.getAttribute("data-your-time");
    if (!eventZone || !words || eventZone === zone) return;
    if (element.querySelector(".your-time")) return; // done already
    var times = element.querySelectorAll("time[datetime]");
    if (!times.length) return;
    var start = new Date(times[0].getAttribute("datetime"));
    var end = times.length > 1 ? new Date(times[times.length - 1].getAttribute("datetime")) : null;
    if (isNaN(start.getTime())) return;
    if (end && isNaN(end.getTime())) end = null;
    var text = localText(start, end, eventZone, zone, lang);
    if (!text) return;
    var span = document.createElement("span");
    span.className = "muted your-time";
    span.textContent = " " + words.replace("{time}", text);
    element.appendChild(span);
  }

  function run() {
    var zone = browserZone();
    if (!zone) return;
    var lang = document.documentElement.lang;
    var elements = document.querySelectorAll(".event-when[data-time-zone]");
    Array.prototype.forEach.call(elements, function (element) {
      enhance(element, zone, lang);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  document.addEventListener("htmx:afterSettle", run);
})();
