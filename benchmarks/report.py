"""From the measurements of one run to summary.json and summary.md.

Medians across rounds, the spread (min-max) beside them, and ratios taken round by round: a
ratio of two figures measured a few seconds apart is what a shared, drifting machine can still
tell honestly. A figure marked invalid (locust saturated, errors, offered rate not reached) is
shown with its reason and left out of medians and ratios.
"""

import json
from pathlib import Path
from statistics import median

# Ratios worth reading, as (numerator, denominator): the services against each other, then each
# against the naive app it replaces and the bare floor of its family.
SERVICE_PAIR = ("fastapi", "flask")
BASELINE_PAIRS = (
    ("fastapi", "seed-fastapi"),
    ("fastapi", "bare-asgi"),
    ("flask", "seed-flask"),
    ("flask", "seed-flask-dev"),
    ("flask", "bare-wsgi"),
)
# Our services against the peers, on the same work: V2 infer against the V2 servers (the v2
# scenario), the one-patient JSON /predict against the servers whose APIs take named features
# (saturation). Each peer in its best configuration for one core, its default beside it.
V2_PEERS = ("mlserver", "mlserver-batched", "mlserver-default", "kserve")
PREDICT_PEERS = ("bentoml", "bentoml-default", "litserve", "ray-serve", "ray-serve-default")
PEER_PAIRS = {
    "v2": tuple((ours, peer) for ours in SERVICE_PAIR for peer in V2_PEERS),
    "saturation": tuple((ours, peer) for ours in SERVICE_PAIR for peer in PREDICT_PEERS),
}
# Across scenarios, in the same round: V2 inference against /predict of the same service.
V2_TO_PREDICT = (("fastapi", "fastapi"), ("flask", "flask"))
REFERENCE = "seed-fastapi"
SATURATION = ("saturation", 0)
BULK_ROUTES = {"batch": "/predict/batch, JSON", "v2-binary": "V2 infer, binary tensors"}
# The server's CPU time per request: it drifts less than req/s when neighbours take CPU time.
CPU_PER_REQUEST = (
    "server_cpu_ms_per_request"  # every saturation figure is also given as a multiple of this one
)


def spread(values: list[float]) -> dict:
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": median(values), "min": min(values), "max": max(values)}


def with_spread(key: str, values: list[float]) -> dict:
    """{key: median, key_min: ..., key_max: ...}: every median is reported with its spread."""
    found = spread(values)
    return {key: found["median"], f"{key}_min": found["min"], f"{key}_max": found["max"]}


def aggregate(rows: list[dict]) -> dict:
    """One scenario on one target, all rounds: medians of the valid rounds, reasons of the rest."""
    valid = [row for row in rows if not row["invalid"]]
    first = rows[0]
    rps = spread([row["rps"] for row in valid])
    wrk = [row["wrk_rps"] for row in rows if row.get("wrk_rps")]
    locust_to_wrk = [row["rps"] / row["wrk_rps"] for row in valid if row.get("wrk_rps")]
    batch_size = first["batch_size"]
    return {
        "target": first["target"],
        "scenario": first["scenario"],
        "batch_size": batch_size,
        "rounds": len(rows),
        "valid_rounds": len(valid),
        "rps_per_round": [row["rps"] for row in rows],
        "rps": rps["median"],
        "rps_min": rps["min"],
        "rps_max": rps["max"],
        "rows_per_s": rps["median"] * batch_size if batch_size and rps["median"] else None,
        **with_spread("p50_ms", [row["p50_ms"] for row in valid]),
        **with_spread("p95_ms", [row["p95_ms"] for row in valid]),
        **with_spread("p99_ms", [row["p99_ms"] for row in valid]),
        "requests": sum(row["requests"] for row in rows),
        "failures": sum(row["failures"] for row in rows),
        "locust_cpu_max": max(row["locust_cpu_percent"] for row in rows),
        **with_spread(CPU_PER_REQUEST, [row[CPU_PER_REQUEST] for row in valid]),
        "wrk_rps": spread(wrk)["median"],
        "locust_to_wrk": spread(locust_to_wrk)["median"],
        "invalid": sorted({row["invalid"] for row in rows if row["invalid"]}),
    }


def round_ratios(
    results: list[dict],
    key: tuple,
    numerator: str,
    denominator: str,
    metric: str,
    denominator_key: tuple | None = None,
) -> list[float]:
    """numerator / denominator of `metric`, round by round, where both figures are valid. The
    denominator is taken in `denominator_key`'s scenario when given (V2 infer against /predict)."""
    denominator_key = denominator_key or key
    by_round: dict[int, dict[tuple, float]] = {}
    for row in results:
        scenario = (row["scenario"], row["batch_size"])
        if scenario in (key, denominator_key) and not row["invalid"]:
            by_round.setdefault(row["round"], {})[(*scenario, row["target"])] = row[metric]
    found = []
    for _, figures in sorted(by_round.items()):
        top, bottom = (
            figures.get((*key, numerator)),
            figures.get((*denominator_key, denominator)),
        )
        if top and bottom:
            found.append(top / bottom)
    return found


def ratios(results: list[dict]) -> list[dict]:
    keys = sorted({(row["scenario"], row["batch_size"]) for row in results})
    targets = {row["target"] for row in results}
    found = []
    for scenario, batch_size in keys:
        pairs = [SERVICE_PAIR, *PEER_PAIRS.get(scenario, ())]
        if scenario == "saturation":
            pairs[1:1] = BASELINE_PAIRS
        metrics = {
            "latency": ["p50_ms", "p99_ms"],
            "saturation": ["rps", CPU_PER_REQUEST],
            "v2": ["rps", CPU_PER_REQUEST],
        }.get(scenario, ["rps"])
        for numerator, denominator in pairs:
            if not {numerator, denominator} <= targets:
                continue
            for metric in metrics:
                per_round = round_ratios(
                    results, (scenario, batch_size), numerator, denominator, metric
                )
                found.append(
                    {
                        "scenario": scenario,
                        "batch_size": batch_size,
                        "ratio": f"{numerator} / {denominator}",
                        "metric": metric,
                        "per_round": per_round,
                        **spread(per_round),
                    }
                )
    if "v2" in {scenario for scenario, _ in keys}:
        for numerator, denominator in V2_TO_PREDICT:
            per_round = round_ratios(results, ("v2", 0), numerator, denominator, "rps", SATURATION)
            if per_round:
                found.append(
                    {
                        "scenario": "v2",
                        "batch_size": 0,
                        "ratio": f"{numerator} V2 / {denominator} /predict",
                        "metric": "rps",
                        "per_round": per_round,
                        **spread(per_round),
                    }
                )
    return found


def summarize(results: list[dict], config: dict, notes: list[str], run_dir: Path) -> dict:
    groups: dict[tuple, list[dict]] = {}
    for row in results:
        groups.setdefault((row["scenario"], row["batch_size"], row["target"]), []).append(row)
    aggregates = [aggregate(rows) for rows in groups.values()]
    for item in aggregates:  # req/s as a multiple of the seed's /predict in the same round
        key = (item["scenario"], item["batch_size"])
        item |= with_spread(
            "x_" + REFERENCE.replace("-", "_"),
            round_ratios(results, key, item["target"], REFERENCE, "rps", SATURATION),
        )
    last_round = max((row["round"] for row in results), default=0)
    return {
        "run": run_dir.name,
        "config": config,
        "machine": json.loads((run_dir / "machine.json").read_text()),
        "notes": notes
        + [f"{row['label']}: INVALID, {row['invalid']}" for row in results if row["invalid"]],
        "aggregates": aggregates,
        "ratios": ratios(results),
        "results": results,
        "history": {
            row["label"]: row.get("timeline", []) for row in results if row["round"] == last_round
        },
    }


# ---- summary.md -------------------------------------------------------------------------------


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def ranged(item: dict, key: str, digits: int = 0) -> str:
    """A median with its spread over the valid rounds: "16 (15–17)"; the median alone when the
    spread is one value (one round)."""
    low, high = item.get(f"{key}_min"), item.get(f"{key}_max")
    if item[key] is None or low is None or number(low, digits) == number(high, digits):
        return number(item[key], digits)
    return f"{number(item[key], digits)} ({number(low, digits)}–{number(high, digits)})"


def tables(summary: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables as (title, header, rows): rendered to markdown here, to HTML in the
    dashboard, from the same rows."""
    config = summary["config"]
    by_scenario: dict[str, list[dict]] = {}
    for item in summary["aggregates"]:
        by_scenario.setdefault(item["scenario"], []).append(item)
    found = []

    def validity(item: dict) -> str:
        if not item["invalid"]:
            return "ok"
        return f"{item['valid_rounds']}/{item['rounds']} valid: " + "; ".join(item["invalid"])

    def throughput_table(items: list[dict], percentiles: tuple[str, ...], ratio_name: str):
        """The saturation and V2 tables: the same columns, V2 without p95."""
        header = ["target", "req/s", "min–max", *(f"{p} ms" for p in percentiles), "errors"]
        header += ["server CPU ms/req", "locust CPU % (max)", "wrk req/s", "locust/wrk"]
        header += [ratio_name, "valid"]
        rows = [
            [
                item["target"],
                number(item["rps"]),
                f"{number(item['rps_min'])}–{number(item['rps_max'])}" if item["rps"] else "—",
                *(ranged(item, f"{p}_ms") for p in percentiles),
                str(item["failures"]),
                ranged(item, CPU_PER_REQUEST, 2),
                number(item["locust_cpu_max"]),
                number(item["wrk_rps"]),
                number(item["locust_to_wrk"], 2),
                ranged(item, "x_seed_fastapi", 2),
                validity(item),
            ]
            for item in items
        ]
        return header, rows

    if "saturation" in by_scenario:
        header, rows = throughput_table(
            by_scenario["saturation"], ("p50", "p95", "p99"), "× seed-fastapi"
        )
        title = f"Saturation: POST /predict, {config['users']} users, no wait (closed loop)"
        found.append((title, header, rows))
    if "v2" in by_scenario:
        header, rows = throughput_table(
            by_scenario["v2"], ("p50", "p99"), "× seed-fastapi /predict"
        )
        title = (
            f"V2 inference: POST /v2/models/{{name}}/infer, one row as a JSON tensor, "
            f"{config['users']} users, no wait (the services and the other V2 servers)"
        )
        found.append((title, header, rows))
    if "latency" in by_scenario:
        header = ["target", "achieved req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
        header += ["locust CPU % (max)", "valid"]
        rows = [
            [
                item["target"],
                ranged(item, "rps"),
                ranged(item, "p50_ms"),
                ranged(item, "p95_ms"),
                ranged(item, "p99_ms"),
                str(item["failures"]),
                number(item["locust_cpu_max"]),
                validity(item),
            ]
            for item in by_scenario["latency"]
        ]
        title = (
            f"Latency: POST /predict at {config['rate']:g} req/s offered "
            f"({config['latency_users']} users), below saturation"
        )
        found.append((title, header, rows))
    bulk = by_scenario.get("batch", []) + by_scenario.get("v2-binary", [])
    if bulk:
        header = [
            "service",
            "route",
            "rows/request",
            "req/s",
            "rows/s",
            "p50 ms",
            "p99 ms",
        ]
        header += [
            "errors",
            "locust CPU % (max)",
            "rows/s × seed-fastapi req/s",
            "valid",
        ]
        rows = [
            [
                item["target"],
                BULK_ROUTES[item["scenario"]],
                str(item["batch_size"]),
                ranged(item, "rps"),
                number(item["rows_per_s"]),
                ranged(item, "p50_ms"),
                ranged(item, "p99_ms"),
                str(item["failures"]),
                number(item["locust_cpu_max"]),
                number(item["x_seed_fastapi"] and item["x_seed_fastapi"] * item["batch_size"]),
                validity(item),
            ]
            for item in sorted(bulk, key=lambda i: (i["batch_size"], i["scenario"], i["target"]))
        ]
        title = (
            "Bulk scoring at saturation (users: ~1,000 rows in flight, 2 at least); rows/s "
            "against the seed's single-row /predict of the same round"
        )
        found.append((title, header, rows))
    if "mixed" in by_scenario:
        header = ["service", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "valid"]
        rows = [
            [
                item["target"],
                ranged(item, "rps"),
                ranged(item, "p50_ms"),
                ranged(item, "p95_ms"),
                ranged(item, "p99_ms"),
                str(item["failures"]),
                validity(item),
            ]
            for item in by_scenario["mixed"]
        ]
        title = (
            f"Mixed: /predict 5 : POST /predictions 2 : GET /predictions/{{id}} 2 : "
            f"GET /predictions 1, {config['users']} users"
        )
        found.append((title, header, rows))
    header = ["scenario", "ratio", "of", "per round", "median", "min–max"]
    rows = [
        [
            ratio["scenario"] + (f" {ratio['batch_size']} rows" if ratio["batch_size"] else ""),
            ratio["ratio"],
            ratio["metric"],
            " ".join(f"{value:.2f}" for value in ratio["per_round"]) or "—",
            number(ratio["median"], 2),
            f"{number(ratio['min'], 2)}–{number(ratio['max'], 2)}",
        ]
        for ratio in summary["ratios"]
    ]
    found.append(("Ratios, round by round (same round, valid figures only)", header, rows))
    goals = goal_rows(summary)
    if goals:
        found.append(
            (
                GOALS_TITLE + " (ratios: median of the same-round req/s ratios)",
                ["goal", "this run", ""],
                goals,
            )
        )
    return found


# The goals of issue 23, each read from this run's figures: a same-round ratio's median (at
# least), a target's p99 over its p50 (at most), its spread over rounds, max/min (at most), or
# bulk rows/s against the seed's single-row req/s (at least). A goal the run did not measure says
# so, with the make target that does.
GOALS_TITLE = "Goals of issue 23"
BEST_PEERS = {
    "v2": ("mlserver", "mlserver-batched", "kserve"),
    "saturation": ("bentoml", "litserve"),
}
PEER_NAMES = {
    "mlserver": "MLServer (one process)",
    "mlserver-batched": "MLServer (adaptive batching)",
    "kserve": "KServe",
    "bentoml": "BentoML",
    "litserve": "LitServe",
}
ROUTES = {"v2": "V2 infer", "saturation": "/predict"}
OURS = {"fastapi": "FastAPI", "flask": "Flask"}


def ratio_goals() -> list[tuple[str, str, str, float]]:
    """(goal, scenario, ratio, least) for every ratio goal."""
    goals = []
    for scenario, peers in BEST_PEERS.items():
        for ours, least in (("fastapi", 1.5), ("flask", 1.0)):
            for peer in peers:
                goal = f"{OURS[ours]} {ROUTES[scenario]} ≥ {least:.1f}× {PEER_NAMES[peer]}"
                goals.append((goal, scenario, f"{ours} / {peer}", least))
    goals.append(
        (
            "FastAPI /predict ≥ 2.0× the seed FastAPI app",
            "saturation",
            "fastapi / seed-fastapi",
            2.0,
        )
    )
    goals.append(
        (
            "Flask /predict ≥ 1.0× the seed Flask app (gunicorn)",
            "saturation",
            "flask / seed-flask",
            1.0,
        )
    )
    return goals


GOALS = ratio_goals()
TAIL_LIMIT = 3.0  # p99 at most 3× p50, at 30 connections
SPREAD_LIMIT = 1.15  # max/min req/s over rounds
BULK_GOALS = (("batch", "/predict/batch", 100.0), ("v2-binary", "V2 binary", 500.0))
BULK_ROWS = 1000


def at_least(value: float, least: float) -> str:
    return "met" if value >= least else f"short by {(1 - value / least) * 100:.0f} %"


def at_most(value: float, most: float) -> str:
    return "met" if value <= most else f"short: {(value / most - 1) * 100:.0f} % over"


def goal_rows(summary: dict) -> list[list[str]]:
    """One row per goal of the issue: the goal, this run's figure, met or short by how much."""
    medians = {
        (ratio["scenario"], ratio["ratio"]): ratio["median"]
        for ratio in summary["ratios"]
        if ratio["metric"] == "rps" and ratio["median"] is not None
    }
    rows = []
    measured = {(ratio["scenario"], ratio["ratio"]) for ratio in summary["ratios"]}
    for goal, scenario, ratio, least in GOALS:
        median = medians.get((scenario, ratio))
        if median is not None:
            rows.append([goal, f"{median:.2f}×", at_least(median, least)])
        elif (scenario, ratio) in measured:  # both measured, no round where both were valid
            rows.append([goal, "—", "INVALID: no round with both figures valid (see Notes)"])
    items = {
        (item["scenario"], item["batch_size"], item["target"]): item
        for item in summary["aggregates"]
    }
    for scenario in ("saturation", "v2"):
        for ours in SERVICE_PAIR:
            item = items.get((scenario, 0, ours))
            if not item:
                continue
            name = f"{OURS[ours]} {ROUTES[scenario]}"
            if not item["valid_rounds"]:
                rows.append([f"{name}: p99 and spread", "—", "INVALID: no valid round"])
                continue
            if item["p50_ms"] and item["p99_ms"] is not None:
                tail = item["p99_ms"] / item["p50_ms"]
                figures = f"{item['p99_ms']:g} / {item['p50_ms']:g} ms"
                goal = f"{name}: p99 ≤ {TAIL_LIMIT:g}× p50 ({figures})"
                rows.append([goal, f"{tail:.1f}×", at_most(tail, TAIL_LIMIT)])
            if item["rps_min"]:
                spread_ = item["rps_max"] / item["rps_min"]
                goal = f"{name}: spread over rounds, max/min ≤ {SPREAD_LIMIT:g}"
                rows.append([goal, f"{spread_:.2f}", at_most(spread_, SPREAD_LIMIT)])
    for scenario, route, least in BULK_GOALS:
        goal = f"FastAPI {route}, {BULK_ROWS:,} rows: rows/s ≥ {least:g}× the seed's req/s"
        item = items.get((scenario, BULK_ROWS, "fastapi"))
        if item and item["x_seed_fastapi"]:
            times = item["x_seed_fastapi"] * BULK_ROWS
            rows.append([goal, f"{times:,.0f}×", at_least(times, least)])
        else:
            rows.append([goal, "—", "not measured in this run (`make bench`, quietly)"])
    return rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line(summary: dict) -> str:
    machine = summary["machine"]
    load = machine["load_average_at_start"][0]
    pinning = machine["pinning"]
    pinned = (
        f"servers pinned to CPU {pinning['server_cpus']}, locust and wrk to CPU "
        f"{pinning['load_generator_cpus']}"
        if pinning["server_cpus"]
        else pinning["note"]
    )
    peer_packages = machine.get("peer_packages", {})
    peers = "; ".join(
        f"{venv}: " + ", ".join(f"{name} {version}" for name, version in packages.items())
        for venv, packages in peer_packages.items()
    )
    return (
        f"{machine['cpu_model']}, {machine['cores']} cores, load average {load:.1f} at start; "
        f"{pinned}; Python {machine['python']}, "
        f"locust {machine['packages']['locust']}, {machine['wrk'] or 'no wrk'}"
        + (f"; peers' environments: {peers}" if peers else "")
    )


def markdown(summary: dict) -> str:
    config = summary["config"]
    parts = [
        f"# Benchmark run {summary['run']}",
        f"Machine: {machine_line(summary)}.",
        f"Method: {config['rounds']} interleaved rounds of {config['duration']:g} s per "
        f"measurement, {config['workers']} worker(s) per server, {config['warmup']:g} s warm-up "
        f"per server; medians over the valid rounds. A figure is invalid when locust used more "
        f"than {config['max_locust_cpu']:g} % of its core, more than 1 % of requests failed, or "
        f"(latency) the offered rate was not reached.",
    ]
    found = tables(summary)
    goals = [table for table in found if table[0].startswith(GOALS_TITLE)]
    for title, header, rows in [table for table in found if table not in goals]:
        parts += [f"## {title}", markdown_table(header, rows)]
    if summary["notes"]:
        parts += ["## Notes", "\n".join(f"- {note}" for note in summary["notes"])]
    for title, header, rows in goals:  # the summary ends with the goals
        parts += [f"## {title}", markdown_table(header, rows)]
    return "\n\n".join(parts) + "\n"
