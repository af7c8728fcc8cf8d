extension AuditHTML {
    /// The page's only style sheet, inline: system fonts (nothing to fetch), a readable
    /// measure on a laptop, flagged rows tinted, and a print layout (A4 landscape, no
    /// shadows, tables kept whole where they fit, headers repeated across pages).
    static let style = """
        :root { --ink: #1d2733; --muted: #5b6b7c; --line: #d5dde6; --accent: #1f4e79; --bad: #b42318; --bad-bg: #fdecea;
                --good: #18794e; --good-bg: #e8f5ee; --warn-bg: #fff6e0; --paper: #ffffff; --bg: #f4f6f9; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1400px; padding: 24px 32px 48px; background: var(--bg); color: var(--ink);
               font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 26px; margin: 0 0 12px; color: var(--accent); }
        h2 { font-size: 19px; margin: 0 0 10px; color: var(--accent); border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 0 0 8px; }
        h3 .roles { font-weight: normal; color: var(--muted); font-size: 13px; margin-left: 8px; }
        code { font: 12px/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        header, section, article { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
        article.host { margin: 14px 0 0; border-left: 4px solid var(--accent); }
        section.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; background: none; border: none; padding: 0; }
        .card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; border-top: 4px solid var(--muted); }
        .card.good { border-top-color: var(--good); } .card.bad { border-top-color: var(--bad); }
        .card-title { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        .card-value { font-size: 28px; font-weight: 700; margin: 2px 0; }
        .card.bad .card-value { color: var(--bad); } .card.good .card-value { color: var(--good); }
        .card-note { font-size: 12px; color: var(--muted); }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; }
        dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; grid-column: 2; }
        .ok { color: var(--good); } .warn { color: var(--bad); font-weight: 600; }
        .hint { color: var(--muted); margin: 0 0 10px; font-size: 13px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 10px; }
        th, td { border: 1px solid var(--line); padding: 5px 7px; text-align: left; vertical-align: top; }
        thead th { background: #e9eef4; font-weight: 600; }
        tr.flag td { background: var(--bad-bg); } tr.deny td { background: #f1f3f6; color: var(--muted); }
        table.flagged td { background: var(--bad-bg); }
        td.loc, td.date { white-space: nowrap; }
        .badge { display: inline-block; font-size: 11px; font-weight: 700; border-radius: 10px; padding: 1px 8px; margin: 1px 0; white-space: nowrap; }
        .badge.overdue, .badge.fail { background: var(--bad); color: #fff; }
        .badge.unjustified, .badge.no-owner, .badge.no-review { background: #f7d9a8; color: #6b3d00; }
        .badge.pass { background: var(--good-bg); color: var(--good); }
        table.matrix th:first-child, table.matrix tbody th { background: #e9eef4; white-space: nowrap; }
        table.matrix td { min-width: 90px; }
        table.matrix td.empty { color: #b8c2cc; text-align: center; vertical-align: middle; }
        .svc { white-space: nowrap; font-size: 12px; } .svc b { font-weight: 600; }
        .svc.partial, span.partial { color: #8a5a00; }
        .figure { overflow-x: auto; }
        svg.tiers { max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
        svg .fleet { fill: #f7f9fc; stroke: #8aa0b8; stroke-width: 1.5; stroke-dasharray: 6 4; }
        svg .fleet-title { font-size: 13px; font-weight: 600; fill: var(--muted); }
        svg .node rect { fill: #ffffff; stroke: var(--accent); stroke-width: 1.5; }
        svg .node.host rect { stroke-dasharray: 3 2; }
        svg .node.outside rect { fill: #eef2f7; stroke: #7d8ea3; }
        svg .name { font-size: 14px; font-weight: 700; fill: var(--ink); }
        svg .detail { font-size: 11px; fill: var(--muted); }
        svg .note { font-size: 11px; fill: #3d5a80; }
        svg .flow { fill: none; stroke: #3d5a80; stroke-width: 1.6; }
        svg rect.label { fill: #ffffff; stroke: #c9d3de; stroke-width: 1; }
        svg text.label { font-size: 11px; fill: var(--ink); }
        svg .caption { font-size: 12px; fill: var(--muted); }
        footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; overflow-wrap: anywhere; }
        @media (max-width: 1000px) { section.cards { grid-template-columns: repeat(3, 1fr); } }
        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          body { background: #fff; max-width: none; padding: 0; font-size: 11px; }
          header, section, article { border: none; padding: 0; margin: 0 0 14px; }
          section.cards { grid-template-columns: repeat(6, 1fr); }
          .card { border: 1px solid #999; }
          table { font-size: 10px; } thead { display: table-header-group; }
          table.matrix td { min-width: 0; } .svc { white-space: normal; font-size: 9px; }
          .card-value { font-size: 20px; } code { font-size: 9px; }
          tr, .card, svg { break-inside: avoid; }
          #diagram, #matrix, article.host { break-inside: avoid-page; }
          h2, h3 { break-after: avoid; }
          .figure { overflow: visible; }
          tr.flag td, table.flagged td, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
