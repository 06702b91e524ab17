extension DashboardPage {
    /// Polls `/api/snapshot` (passing the page's own `?day=`) every `data-poll-seconds`, and redraws
    /// in place: no reload, no library. Numbers go into the text and, unformatted, into data-value.
    /// `body[data-updates]` counts the snapshots drawn (the browser test reads it).
    static let script = #"""
        (function () {
          "use strict";
          var SVG = "http://www.w3.org/2000/svg";
          var body = document.body;
          var poll = Math.max(200, 1000 * parseFloat(body.getAttribute("data-poll-seconds") || "2"));
          var day = new URLSearchParams(location.search).get("day");
          var api = "/api/snapshot" + (day ? "?day=" + encodeURIComponent(day) : "");
          var lastOK = null;
          var nf0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
          var nf1 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

          function $(id) { return document.getElementById(id); }
          function setNum(id, value, text) {
            var el = $(id);
            if (!el) return;
            el.setAttribute("data-value", value === null || value === undefined ? "" : String(value));
            el.textContent = text;
          }
          function el(name, attrs, text) {
            var e = document.createElementNS(SVG, name);
            for (var k in attrs) e.setAttribute(k, attrs[k]);
            if (text !== undefined) e.textContent = text;
            return e;
          }
          function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
          function hourFormatter(zone) {
            try {
              return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
            } catch (e) {
              return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
            }
          }
          function niceMax(v) {
            if (!(v > 0)) return 1;
            var p = Math.pow(10, Math.floor(Math.log10(v)));
            var steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
            for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
            return 10 * p;
          }
          function inWindow(h, s, e) { return s <= e ? (h >= s && h < e) : (h >= s || h < e); }
          function ago(seconds) {
            if (seconds < 1) return "just now";
            if (seconds < 90) return nf0.format(seconds) + " s ago";
            if (seconds < 5400) return nf0.format(seconds / 60) + " min ago";
            return nf1.format(seconds / 3600) + " h ago";
          }
          function clock(micros, zone) {
            return hourFormatter(zone).format(new Date(micros / 1000));
          }

          function drawGrid(s) {
            var svg = $("grid-chart");
            clear(svg);
            // Drawn in the element's own pixels, so text is never stretched on a phone or a wall.
            // Margins in root ems, so axis labels fit when a wall screen scales the type up.
            var em = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
            var W = svg.clientWidth || 960, H = svg.clientHeight || 340;
            var L = Math.round(3.7 * em), R = 10, T = Math.round(1.6 * em), B = Math.round(2.9 * em);
            svg.setAttribute("viewBox", "0 0 " + W + " " + H);
            var g = s.grid, fmt = hourFormatter(g.zone);
            var slots = Math.max(1, Math.round((g.end_micros - g.start_micros) / 3600e6));
            var slotW = (W - L - R) / slots;
            var windowStart = -1, windowEnd = -1;
            var max = niceMax(Math.max.apply(null, [0].concat(g.hours.map(function (h) { return h.load_kw; }))));
            function y(v) { return T + (H - T - B) * (1 - v / max); }
            var byStart = {};
            g.hours.forEach(function (h) { byStart[h.hour_start_micros] = h; });
            for (var i = 0; i < slots; i++) {
              var start = g.start_micros + i * 3600e6;
              var label = fmt.format(new Date(start / 1000));
              var hod = parseInt(label.slice(0, 2), 10);
              if (inWindow(hod, s.peak.window_start_hour, s.peak.window_end_hour)) {
                svg.appendChild(el("rect", { "class": "window", x: L + i * slotW, y: T, width: slotW, height: H - T - B }));
                if (windowStart < 0) windowStart = i;
                windowEnd = i + 1;
              }
              if (i % (W < 500 ? 4 : W < 800 ? 3 : W < 1100 ? 2 : 1) === 0) {
                svg.appendChild(el("text", { x: L + i * slotW + slotW / 2, y: H - B + 1.15 * em, "text-anchor": "middle" }, label.slice(0, 2)));
              }
            }
            for (var t = 0; t <= 4; t++) {
              var v = max * t / 4, yy = y(v);
              svg.appendChild(el("line", { "class": "grid", x1: L, x2: W - R, y1: yy, y2: yy }));
              svg.appendChild(el("text", { x: L - 8, y: yy + 0.3 * em, "text-anchor": "end" }, nf0.format(v)));
            }
            svg.appendChild(el("text", { x: 4, y: 0.9 * em }, "kW"));
            if (windowStart >= 0) {
              svg.appendChild(el("line", { "class": "window-edge", x1: L + windowStart * slotW + 2, x2: L + windowEnd * slotW - 2,
                y1: H - 0.3 * em, y2: H - 0.3 * em }));
              svg.appendChild(el("text", { "class": "window-label", x: L + (windowStart + windowEnd) / 2 * slotW, y: H - 0.55 * em,
                "text-anchor": "middle" }, "tariff peak"));
            }
            g.hours.forEach(function (h) {
              var i = Math.round((h.hour_start_micros - g.start_micros) / 3600e6);
              var cls = "bar" + (h.peak_rank <= 3 ? " rank" + h.peak_rank : "");
              var r = el("rect", { "class": cls, x: L + i * slotW + slotW * 0.12, y: y(h.load_kw), width: slotW * 0.76,
                height: Math.max(0, H - B - y(h.load_kw)), rx: 2, "data-hour": h.hour_of_day, "data-load": h.load_kw });
              r.appendChild(el("title", {}, fmt.format(new Date(h.hour_start_micros / 1000)) + " · " + nf1.format(h.load_kw) +
                " kW · " + nf0.format(h.meters) + " meters"));
              svg.appendChild(r);
              if (h.peak_rank === 1) {
                svg.appendChild(el("text", { "class": "peak-label", x: L + i * slotW + slotW / 2, y: y(h.load_kw) - 7,
                  "text-anchor": "middle" }, "peak"));
              }
            });
            if (g.hours.length === 0) {
              svg.appendChild(el("text", { "class": "empty", x: W / 2, y: H / 2, "text-anchor": "middle" }, "no readings for this day yet"));
            }
          }

          function drawThroughput(s) {
            var svg = $("throughput-chart");
            clear(svg);
            var W = svg.clientWidth || 480, H = svg.clientHeight || 150, T = 8, B = 4;
            svg.setAttribute("viewBox", "0 0 " + W + " " + H);
            var tp = s.throughput, n = tp.buckets.length || 1, w = W / n;
            var rates = tp.buckets.map(function (b) { return b.readings / tp.bucket_seconds; });
            var max = niceMax(Math.max.apply(null, [0].concat(rates)));
            svg.appendChild(el("line", { "class": "grid", x1: 0, x2: W, y1: H - B, y2: H - B }));
            svg.appendChild(el("text", { x: 4, y: 20 }, nf0.format(max) + " /s"));
            rates.forEach(function (r, i) {
              var h = (H - T - B) * r / max;
              var rect = el("rect", { "class": "tp", x: i * w + 0.5, y: H - B - h, width: Math.max(1, w - 1), height: h });
              rect.appendChild(el("title", {}, nf0.format(r) + " readings/s"));
              svg.appendChild(rect);
            });
            $("throughput-from").textContent = "−" + nf0.format(tp.window_seconds / 60) + " min";
          }

          function render(s) {
            var g = s.grid, zone = g.zone;
            $("day-label").textContent = g.day + (g.is_today ? " · today" : "");
            $("zone").textContent = zone;
            var top = s.peak.hours[0];
            setNum("peak-load", top ? top.load_kw : 0, top ? nf1.format(top.load_kw) : "—");
            setNum("peak-hour", top ? top.hour_of_day : "", top ? clock(top.hour_start_micros, zone) : "—");
            var e = s.totals.energy_kwh;
            setNum("day-energy", e, e >= 10000 ? nf1.format(e / 1000) : nf1.format(e));
            $("day-energy-unit").textContent = e >= 10000 ? "MWh" : "kWh";
            setNum("day-hours", s.totals.hours, String(s.totals.hours));
            setNum("max-meters", s.totals.max_meters, nf0.format(s.totals.max_meters));
            setNum("readings-per-second", s.throughput.readings_per_second, nf0.format(s.throughput.readings_per_second));
            setNum("window-readings", s.throughput.readings, nf0.format(s.throughput.readings));
            $("window-minutes").textContent = nf0.format(s.throughput.window_seconds / 60);
            $("peak-window-label").textContent = String(s.peak.window_start_hour).padStart(2, "0") + ":00–" +
              String(s.peak.window_end_hour % 24).padStart(2, "0") + ":00";
            ["pending", "running", "retrying", "succeeded", "duplicate", "quarantined"].forEach(function (st) {
              var n = s.jobs.by_state[st] || 0;
              setNum("jobs-" + st, n, nf0.format(n));
            });
            setNum("jobs-total", s.jobs.total, nf0.format(s.jobs.total));
            setNum("workers-alive", s.workers.alive, String(s.workers.alive));

            var peaks = $("peak-hours");
            peaks.textContent = "";
            s.peak.hours.forEach(function (h) {
              var li = document.createElement("li");
              li.setAttribute("data-rank", h.peak_rank);
              li.setAttribute("data-hour", h.hour_of_day);
              li.setAttribute("data-load", h.load_kw);
              li.innerHTML = "<b>#" + h.peak_rank + "</b> ";
              li.appendChild(document.createTextNode(clock(h.hour_start_micros, zone) + " · " + nf1.format(h.load_kw) + " kW"));
              peaks.appendChild(li);
            });
            if (s.peak.window_mean_load_kw !== null && s.peak.window_mean_load_kw !== undefined) {
              var li = document.createElement("li");
              li.className = "muted";
              li.textContent = "tariff window mean " + nf1.format(s.peak.window_mean_load_kw) + " kW";
              peaks.appendChild(li);
            }

            var workers = $("workers");
            workers.textContent = "";
            s.workers.list.forEach(function (w) {
              var tr = document.createElement("tr");
              tr.setAttribute("data-worker", w.id);
              var alive = w.seconds_since_heartbeat <= s.workers.heartbeat_timeout_seconds;
              var c1 = document.createElement("td"); c1.className = alive ? "alive" : "silent"; c1.textContent = w.id;
              var c2 = document.createElement("td"); c2.textContent = ago(w.seconds_since_heartbeat);
              c2.title = new Date(w.last_heartbeat_micros / 1000).toISOString();
              var c3 = document.createElement("td"); c3.textContent = String(w.running_attempts);
              tr.appendChild(c1); tr.appendChild(c2); tr.appendChild(c3);
              workers.appendChild(tr);
            });
            if (s.workers.list.length === 0) workers.innerHTML = '<tr><td colspan="3" class="muted">no worker has connected yet</td></tr>';

            var q = $("quarantine");
            q.textContent = "";
            s.quarantine.forEach(function (f) {
              var tr = document.createElement("tr");
              tr.setAttribute("data-job", f.job_id);
              var cells = [String(f.job_id), f.file, null, String(f.attempts), new Date(f.finished_at_micros / 1000).toISOString().replace("T", " ").slice(0, 19) + "Z"];
              cells.forEach(function (text, i) {
                var td = document.createElement("td");
                if (i === 2) {
                  var code = document.createElement("code");
                  code.className = "reason";
                  code.textContent = f.reason;
                  td.appendChild(code);
                } else {
                  td.textContent = text;
                }
                tr.appendChild(td);
              });
              q.appendChild(tr);
            });
            if (s.quarantine.length === 0) q.innerHTML = '<tr><td colspan="5" class="muted">none — every file so far was readable</td></tr>';

            drawGrid(s);
            drawThroughput(s);
            body.setAttribute("data-updates", String(parseInt(body.getAttribute("data-updates") || "0", 10) + 1));
            body.setAttribute("data-generated-at", String(s.generated_at_micros));
          }

          function status(ok, text) {
            $("live-dot").className = "dot " + (ok ? "live" : "stale");
            $("status-text").textContent = text;
          }

          function tick() {
            fetch(api, { cache: "no-store" }).then(function (r) {
              if (!r.ok) return r.json().then(function (e) { throw new Error(e.error || ("HTTP " + r.status)); });
              return r.json();
            }).then(function (s) {
              render(s);
              lastOK = new Date();
              status(true, "live · updated " + lastOK.toLocaleTimeString("en-GB"));
            }).catch(function (e) {
              status(false, (lastOK ? "stale since " + lastOK.toLocaleTimeString("en-GB") : "no data") + " · " + e.message);
            }).then(function () { setTimeout(tick, poll); });
          }
          tick();
        })();

        """#
}
