"""dashboard.html: the run's charts as inline SVG, one self-contained file that opens offline.

No chart library and no CDN: a bar is a <rect>, a line a <polyline>. The tables are the ones of
summary.md, built from the same rows (`report.tables`).
"""

import math
from html import escape

from benchmarks.report import machine_line, tables

PALETTE = {
    "fastapi": "#059669",
    "flask": "#2563eb",
    "seed-fastapi": "#6ee7b7",
    "seed-flask": "#93c5fd",
    "seed-flask-dev": "#c7d2fe",
    "bare-asgi": "#a3a3a3",
    "bare-wsgi": "#d4d4d4",
    "mlserver": "#f59e0b",
    "mlserver-batched": "#fbbf24",
    "kserve": "#a855f7",
}
SERIES_COLORS = ["#0f766e", "#f59e0b", "#dc2626"]
WIDTH, LABEL_WIDTH, ROW, PAD = 760, 130, 26, 30


def color(name: str) -> str:
    return PALETTE.get(name, "#737373")


def svg(height: int, body: list[str]) -> str:
    return (
        f'<svg width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">'
        + "".join(body)
        + "</svg>"
    )


def text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(content)}</text>'


def scale(maximum: float, log: bool = False):
    """Value -> x pixel: linear from 0, or log10 from 1 when values span decades."""
    span = WIDTH - LABEL_WIDTH - 190
    if log:
        top = math.log10(max(maximum, 10))
        return lambda value: LABEL_WIDTH + span * math.log10(max(value, 1)) / top
    return lambda value: LABEL_WIDTH + span * value / (maximum or 1)


def throughput_chart(items: list[dict]) -> str:
    """One bar per target: median req/s, a whisker from min to max, a diamond at wrk's figure."""
    maximum = max([i["rps_max"] or 0 for i in items] + [i["wrk_rps"] or 0 for i in items])
    x = scale(maximum)
    body = []
    for row, item in enumerate(items):
        y = PAD + row * ROW
        body.append(text(LABEL_WIDTH - 8, y + 15, item["target"], "end"))
        if item["rps"] is None:
            body.append(text(LABEL_WIDTH + 4, y + 15, "invalid: " + "; ".join(item["invalid"])))
            continue
        fill = color(item["target"])
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{x(item["rps"]) - LABEL_WIDTH:.1f}" '
            f'height="{ROW - 8}" fill="{fill}"><title>{item["rps"]:.0f} req/s</title></rect>'
        )
        body.append(
            f'<line x1="{x(item["rps_min"]):.1f}" x2="{x(item["rps_max"]):.1f}" '
            f'y1="{y + ROW / 2}" y2="{y + ROW / 2}" stroke="#111" stroke-width="1.5"/>'
        )
        label = f"{item['rps']:,.0f}" + (" (partly invalid)" if item["invalid"] else "")
        if item["wrk_rps"]:
            wx, wy = x(item["wrk_rps"]), y + ROW / 2
            body.append(
                f'<path d="M{wx - 5:.1f},{wy} L{wx:.1f},{wy - 5} L{wx + 5:.1f},{wy} '
                f'L{wx:.1f},{wy + 5} Z" fill="#111"><title>wrk {item["wrk_rps"]:.0f} '
                f"req/s</title></path>"
            )
            label += f" · wrk {item['wrk_rps']:,.0f}"
        body.append(text(max(x(item["rps_max"]), x(item["wrk_rps"] or 0)) + 8, y + 15, label))
    legend = "bar: median req/s · line: min–max over rounds · ◆: wrk, same server, same round"
    body.append(text(LABEL_WIDTH, PAD + len(items) * ROW + 16, legend, extra='fill="#555"'))
    return svg(PAD + len(items) * ROW + 26, body)


def grouped_chart(groups: list[tuple[str, list[tuple[str, float | None]]]], log: bool) -> str:
    """Bars in groups: one group per label, one bar per series (percentiles, or services)."""
    values = [value for _, bars in groups for _, value in bars if value]
    x = scale(max(values, default=1), log)
    body, y = [], PAD
    series = list(dict.fromkeys(name for _, bars in groups for name, _ in bars))
    for group, bars in groups:
        body.append(text(LABEL_WIDTH - 8, y + 4 + 7 * len(bars), group, "end"))
        for name, value in bars:
            fill = PALETTE.get(name) or SERIES_COLORS[series.index(name) % len(SERIES_COLORS)]
            if value:
                body.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y}" width="{x(value) - LABEL_WIDTH:.1f}" '
                    f'height="12" fill="{fill}"><title>{escape(name)}: {value:,.1f}</title></rect>'
                )
                body.append(
                    text(
                        x(value) + 6,
                        y + 10,
                        f"{name} {value:,.1f}",
                        extra='font-size="11"',
                    )
                )
            y += 14
        y += 10
    if log:
        body.append(text(LABEL_WIDTH, y + 12, "logarithmic scale", extra='fill="#555"'))
    return svg(y + 22, body)


def line_chart(series: dict[str, list[tuple[float, float]]], y_label: str) -> str:
    """One polyline per target over the seconds of a measurement."""
    points = [point for line in series.values() for point in line]
    if not points:
        return "<p>No history recorded.</p>"
    height, left, bottom = 260, 60, 30
    max_x = max(x for x, _ in points) or 1
    max_y = max(y for _, y in points) or 1

    def place(x: float, y: float) -> str:
        px = left + (WIDTH - left - 150) * x / max_x
        py = height - bottom - (height - bottom - 20) * y / max_y
        return f"{px:.1f},{py:.1f}"

    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 150}" y2="{height - bottom}" '
        'stroke="#999"/>',
        f'<line x1="{left}" y1="20" x2="{left}" y2="{height - bottom}" stroke="#999"/>',
        text(left - 6, 24, f"{max_y:,.0f}", "end"),
        text(left - 6, height - bottom, "0", "end"),
        text(left, 12, y_label, extra='fill="#555"'),
        text(WIDTH - 150, height - 10, f"{max_x:.0f} s", "end"),
    ]
    for row, (name, line) in enumerate(series.items()):
        polyline = " ".join(place(x, y) for x, y in line)
        body.append(
            f'<polyline points="{polyline}" fill="none" stroke="{color(name)}" stroke-width="2"/>'
        )
        swatch = f'x="{WIDTH - 140}" y="{24 + row * 18}" width="12" height="12"'
        body.append(f'<rect {swatch} fill="{color(name)}"/>')
        body.append(text(WIDTH - 122, 34 + row * 18, name))
    return svg(height, body)


def html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def history_series(summary: dict, scenario: str, column: int) -> dict:
    """From the last round's per-second history: target -> [(second, value)]."""
    series = {}
    for row in summary["results"]:
        points = summary["history"].get(row["label"], [])
        if row["scenario"] == scenario and points:
            series[row["target"]] = [(point[0], point[column]) for point in points]
    return series


def bulk_label(item: dict) -> str:
    return item["target"] + (" V2 binary" if item["scenario"] == "v2-binary" else "")


def sections(summary: dict) -> list[tuple[str, str]]:
    by_scenario: dict[str, list[dict]] = {}
    for item in summary["aggregates"]:
        by_scenario.setdefault(item["scenario"], []).append(item)
    found = []
    if "saturation" in by_scenario:
        found.append(
            (
                "Throughput at saturation, req/s",
                throughput_chart(by_scenario["saturation"]),
            )
        )
        found.append(
            (
                "Throughput over time at saturation (last round, per half second), req/s",
                line_chart(history_series(summary, "saturation", 1), "req/s"),
            )
        )
    if "v2" in by_scenario:
        found.append(
            (
                "V2 inference at saturation (one row, JSON tensor), req/s: ours and the peers",
                throughput_chart(by_scenario["v2"]),
            )
        )
    if "latency" in by_scenario:
        groups = [
            (
                item["target"],
                [
                    ("p50", item["p50_ms"]),
                    ("p95", item["p95_ms"]),
                    ("p99", item["p99_ms"]),
                ],
            )
            for item in by_scenario["latency"]
        ]
        rate = summary["config"]["rate"]
        found.append((f"Latency at {rate:g} req/s offered, ms", grouped_chart(groups, log=False)))
        found.append(
            (
                f"p95 latency over time at {rate:g} req/s (last round, per half second), ms",
                line_chart(history_series(summary, "latency", 3), "p95 ms"),
            )
        )
    bulk = by_scenario.get("batch", []) + by_scenario.get("v2-binary", [])
    if bulk:
        sizes = sorted({item["batch_size"] for item in bulk})
        groups = [
            (
                f"{size} rows",
                [
                    (
                        i["target"] + (" V2 binary" if i["scenario"] == "v2-binary" else ""),
                        i["rows_per_s"],
                    )
                    for i in bulk
                    if i["batch_size"] == size
                ],
            )
            for size in sizes
        ]
        found.append(("Bulk scoring, rows per second", grouped_chart(groups, log=True)))
    if "mixed" in by_scenario:
        groups = [("mixed", [(item["target"], item["rps"]) for item in by_scenario["mixed"]])]
        found.append(("Mixed workload, req/s", grouped_chart(groups, log=False)))
    return found


STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #111; }
h2 { margin-top: 2em; font-size: 1.15em; }
table { border-collapse: collapse; font-size: 13px; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { color: #555; }
"""


def render(summary: dict) -> str:
    parts = [
        f"<h1>Benchmark run {escape(summary['run'])}</h1>",
        f'<p class="note">{escape(machine_line(summary))}</p>',
    ]
    for title, chart in sections(summary):
        parts += [f"<h2>{escape(title)}</h2>", chart]
    for title, header, rows in tables(summary):
        parts += [f"<h2>{escape(title)}</h2>", html_table(header, rows)]
    if summary["notes"]:
        parts.append("<h2>Notes</h2><ul>")
        parts += [f"<li>{escape(note)}</li>" for note in summary["notes"]]
        parts.append("</ul>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Benchmark {escape(summary['run'])}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
