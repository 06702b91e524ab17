import Foundation

// The page, its stylesheet and its script, compiled into the binary: the dashboard needs nothing
// from the internet (no CDN, no npm). The script polls /api/snapshot and draws the charts as SVG;
// every number it writes also goes into a data-value attribute, which the browser test reads.
// The stylesheet and script live in DashboardPage+Style.swift and DashboardPage+Script.swift. These
// three are web assets in Swift strings: they keep web formatting, lines may pass 120 columns.

/// The dashboard's static assets.
enum DashboardPage {
    /// The page; `pollSeconds` tells the script how often to ask for new numbers.
    static func html(pollSeconds: Double) -> String {
        let seconds = max(0.2, pollSeconds)
        let poll = seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
        return #"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="dark">
            <title>GreenStream · grid and pipeline</title>
            <link rel="stylesheet" href="/dashboard.css">
            </head>
            <body data-poll-seconds="\#(poll)" data-updates="0">
            <header class="top">
              <div class="brand"><svg class="bolt" viewBox="0 0 24 24" aria-hidden="true"><path d="M13 2 4 14h7l-1 8 9-12h-7z"/></svg>GreenStream</div>
              <div class="day"><span id="day-label">—</span><span id="zone" class="muted"></span></div>
              <div class="status"><span id="live-dot" class="dot"></span><span id="status-text">connecting…</span></div>
            </header>
            <main>
              <section class="kpis">
                <div class="kpi"><div class="label">Peak load</div>
                  <div class="value"><span id="peak-load" data-value="">—</span><small>kW</small></div>
                  <div class="sub">at <span id="peak-hour" data-value="">—</span></div></div>
                <div class="kpi"><div class="label">Energy this day</div>
                  <div class="value"><span id="day-energy" data-value="">—</span><small id="day-energy-unit">kWh</small></div>
                  <div class="sub"><span id="day-hours" data-value="">—</span> hours with readings</div></div>
                <div class="kpi"><div class="label">Readings committed / s</div>
                  <div class="value"><span id="readings-per-second" data-value="">—</span></div>
                  <div class="sub"><span id="window-readings" data-value="">—</span> in the last <span id="window-minutes">—</span> min</div></div>
                <div class="kpi"><div class="label">Meters reporting</div>
                  <div class="value"><span id="max-meters" data-value="">—</span></div>
                  <div class="sub">most in one hour</div></div>
              </section>
              <section class="card chart-card">
                <h2>Grid load by hour <span class="legend"><i class="sw load"></i>load <i class="sw top"></i>peak hours <i class="sw window"></i>tariff peak window <span id="peak-window-label" class="muted"></span></span></h2>
                <svg id="grid-chart" viewBox="0 0 960 340" preserveAspectRatio="none" role="img" aria-label="grid load by hour"></svg>
                <ol id="peak-hours" class="peaks"></ol>
              </section>
              <section class="card">
                <h2>Readings committed per second</h2>
                <svg id="throughput-chart" viewBox="0 0 480 150" preserveAspectRatio="none" role="img" aria-label="readings per second"></svg>
                <div class="axis-note"><span id="throughput-from">−10 min</span><span>now</span></div>
              </section>
              <section class="card">
                <h2>Jobs <span class="muted">total <span id="jobs-total" data-value="">—</span></span></h2>
                <div class="states">
                  <div class="state pending"><span class="n" id="jobs-pending" data-value="">—</span><span class="name">pending</span></div>
                  <div class="state running"><span class="n" id="jobs-running" data-value="">—</span><span class="name">running</span></div>
                  <div class="state retrying"><span class="n" id="jobs-retrying" data-value="">—</span><span class="name">retrying</span></div>
                  <div class="state succeeded"><span class="n" id="jobs-succeeded" data-value="">—</span><span class="name">succeeded</span></div>
                  <div class="state duplicate"><span class="n" id="jobs-duplicate" data-value="">—</span><span class="name">duplicate</span></div>
                  <div class="state quarantined"><span class="n" id="jobs-quarantined" data-value="">—</span><span class="name">quarantined</span></div>
                </div>
              </section>
              <section class="card">
                <h2>Workers <span class="muted"><span id="workers-alive" data-value="">—</span> alive</span></h2>
                <table class="list"><thead><tr><th>worker</th><th>last heartbeat</th><th>running</th></tr></thead>
                <tbody id="workers"><tr><td colspan="3" class="muted">—</td></tr></tbody></table>
              </section>
              <section class="card wide">
                <h2>Latest quarantined files</h2>
                <table class="list"><thead><tr><th>job</th><th>file</th><th>reason</th><th>attempts</th><th>when</th></tr></thead>
                <tbody id="quarantine"><tr><td colspan="5" class="muted">—</td></tr></tbody></table>
              </section>
            </main>
            <footer class="muted">Served by the coordinator · JSON under <a href="/api/snapshot">/api/</a> · updates every \#(poll) s without reloading</footer>
            <script src="/dashboard.js"></script>
            </body>
            </html>

            """#
    }
}
