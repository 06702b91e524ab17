extension DashboardPage {
    /// Dark, high-contrast, one column on a phone, two to four on wider screens; numbers scale with
    /// the viewport so a wall screen reads from across the room.
    static let css = #"""
        :root {
          --bg: #0a0f1c; --card: #111a2d; --line: #23314d; --text: #e8eefc; --muted: #8a9bbd;
          --load: #35c98e; --top: #ffb020; --window: rgba(255, 176, 32, 0.13); --bad: #ff5d6c;
          --run: #4da3ff; --pend: #9aa8c7; --retry: #c084fc; --dup: #6b7a99;
          --big: clamp(1.9rem, 3.6vw, 4.2rem);
        }
        * { box-sizing: border-box; }
        html, body { margin: 0; background: var(--bg); color: var(--text);
          font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        @media (min-width: 1800px) { html, body { font-size: 20px; } }
        @media (min-width: 2400px) { html, body { font-size: 26px; } }
        a { color: var(--run); }
        .muted { color: var(--muted); font-weight: 400; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem 1.5rem;
          padding: .9rem 1.4rem; border-bottom: 1px solid var(--line); }
        .brand { display: flex; align-items: center; gap: .45rem; font-weight: 700; font-size: 1.35rem; }
        .bolt { width: 1.5rem; height: 1.5rem; fill: var(--load); }
        .day { font-size: 1.15rem; font-weight: 600; display: flex; gap: .6rem; align-items: baseline; }
        .status { margin-left: auto; display: flex; align-items: center; gap: .5rem; color: var(--muted); }
        .dot { width: .7rem; height: .7rem; border-radius: 50%; background: var(--dup); display: inline-block; }
        .dot.live { background: var(--load); box-shadow: 0 0 0 0 rgba(53, 201, 142, .7); animation: pulse 2s infinite; }
        .dot.stale { background: var(--bad); }
        @keyframes pulse { 70% { box-shadow: 0 0 0 .6rem rgba(53, 201, 142, 0); } 100% { box-shadow: 0 0 0 0 rgba(53, 201, 142, 0); } }
        main { display: grid; gap: 1rem; padding: 1rem 1.4rem; grid-template-columns: 1fr; }
        @media (min-width: 900px) { main { grid-template-columns: 1fr 1fr; } }
        @media (min-width: 1500px) { main { grid-template-columns: 2fr 1fr 1fr; } }
        .kpis { grid-column: 1 / -1; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); }
        .kpi, .card { background: var(--card); border: 1px solid var(--line); border-radius: .8rem; padding: 1rem 1.2rem; min-width: 0; }
        .kpi .label { color: var(--muted); text-transform: uppercase; letter-spacing: .06em; font-size: .8rem; }
        .kpi .value { font-size: var(--big); font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums;
          white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .kpi .value small { font-size: .4em; color: var(--muted); margin-left: .3em; font-weight: 500; }
        .kpi .sub { color: var(--muted); font-size: .9rem; }
        .kpi:first-child .value { color: var(--top); }
        h2 { margin: 0 0 .7rem; font-size: 1.05rem; font-weight: 600; display: flex; flex-wrap: wrap;
          justify-content: space-between; gap: .4rem; }
        .chart-card { grid-column: 1 / -1; }
        @media (min-width: 1500px) { .chart-card { grid-column: 1 / 2; grid-row: span 2; } }
        .wide { grid-column: 1 / -1; }
        .legend { font-size: .8rem; color: var(--muted); font-weight: 400; display: flex; gap: .35rem; align-items: center; flex-wrap: wrap; }
        .sw { display: inline-block; width: .8rem; height: .8rem; border-radius: .15rem; margin-left: .5rem; }
        .sw.load { background: var(--load); } .sw.top { background: var(--top); }
        .sw.window { background: rgba(255, 176, 32, .35); }
        svg { width: 100%; display: block; }
        #grid-chart { height: clamp(220px, 34vh, 520px); }
        #throughput-chart { height: clamp(110px, 16vh, 260px); }
        svg text { fill: var(--muted); font-size: .75rem; font-family: inherit; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .bar { fill: var(--load); }
        svg .bar.rank1, svg .bar.rank2, svg .bar.rank3 { fill: var(--top); }
        svg .bar.rank2, svg .bar.rank3 { opacity: .75; }
        svg .window { fill: var(--window); }
        svg .window-edge { stroke: rgba(255, 176, 32, .5); stroke-dasharray: 4 4; }
        svg .peak-label { fill: var(--top); font-weight: 700; font-size: .85rem; }
        svg .window-label { fill: rgba(255, 176, 32, .8); font-size: .7rem; letter-spacing: .05em; text-transform: uppercase; }
        svg .tp { fill: var(--run); }
        svg .empty { fill: var(--muted); font-size: 1rem; }
        .axis-note { display: flex; justify-content: space-between; color: var(--muted); font-size: .8rem; }
        .peaks { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .7rem 0 0; padding: 0; }
        .peaks li { font-variant-numeric: tabular-nums; }
        .peaks b { color: var(--top); }
        .states { display: grid; grid-template-columns: repeat(3, 1fr); gap: .8rem; }
        .state { display: flex; flex-direction: column; border-left: .3rem solid var(--dup); padding-left: .6rem; }
        .state .n { font-size: clamp(1.5rem, 2.6vw, 3rem); font-weight: 700; font-variant-numeric: tabular-nums; }
        .state .name { color: var(--muted); font-size: .85rem; }
        .state.pending { border-color: var(--pend); } .state.running { border-color: var(--run); }
        .state.retrying { border-color: var(--retry); } .state.succeeded { border-color: var(--load); }
        .state.quarantined { border-color: var(--bad); } .state.quarantined .n { color: var(--bad); }
        table.list { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        table.list th { text-align: left; color: var(--muted); font-weight: 500; font-size: .8rem;
          text-transform: uppercase; letter-spacing: .05em; border-bottom: 1px solid var(--line); padding: .3rem .4rem; }
        table.list td { padding: .4rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
        td code { color: var(--bad); font-size: .95em; }
        .alive::before, .silent::before { content: ""; display: inline-block; width: .55rem; height: .55rem;
          border-radius: 50%; margin-right: .45rem; background: var(--load); }
        .silent::before { background: var(--bad); }
        footer { padding: .5rem 1.4rem 1.2rem; font-size: .85rem; }
        @media (max-width: 600px) {
          header.top, main { padding-left: .7rem; padding-right: .7rem; }
          .states { grid-template-columns: repeat(2, 1fr); }
          .kpis { grid-template-columns: 1fr 1fr; gap: .6rem; }
          .kpi { padding: .7rem .8rem; }
          .kpi .value { font-size: 1.7rem; }
          table.list th:nth-child(5), table.list td:nth-child(5) { display: none; }
        }

        """#
}
