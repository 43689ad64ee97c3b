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
# The V2 scenario: our services against the other V2 servers, on the same tensor.
PEER_PAIRS = (
    ("fastapi", "mlserver"),
    ("fastapi", "mlserver-batched"),
    ("fastapi", "kserve"),
    ("flask", "mlserver"),
    ("flask", "kserve"),
)
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
        "p50_ms": spread([row["p50_ms"] for row in valid])["median"],
        "p95_ms": spread([row["p95_ms"] for row in valid])["median"],
        "p99_ms": spread([row["p99_ms"] for row in valid])["median"],
        "requests": sum(row["requests"] for row in rows),
        "failures": sum(row["failures"] for row in rows),
        "locust_cpu_max": max(row["locust_cpu_percent"] for row in rows),
        "server_cpu_ms_per_request": spread([row["server_cpu_ms_per_request"] for row in valid])[
            "median"
        ],
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
        pairs = [SERVICE_PAIR]
        if scenario == "saturation":
            pairs += list(BASELINE_PAIRS)
        if scenario == "v2":
            pairs += list(PEER_PAIRS)
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
        item["x_" + REFERENCE.replace("-", "_")] = spread(
            round_ratios(results, key, item["target"], REFERENCE, "rps", SATURATION)
        )["median"]
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
                f"{number(item['rps_min'])}–{number(item['rps_max'])}",
                *(number(item[f"{p}_ms"]) for p in percentiles),
                str(item["failures"]),
                number(item["server_cpu_ms_per_request"], 2),
                number(item["locust_cpu_max"]),
                number(item["wrk_rps"]),
                number(item["locust_to_wrk"], 2),
                number(item["x_seed_fastapi"], 2),
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
                number(item["rps"]),
                number(item["p50_ms"]),
                number(item["p95_ms"]),
                number(item["p99_ms"]),
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
                number(item["rps"]),
                number(item["rows_per_s"]),
                number(item["p50_ms"]),
                number(item["p99_ms"]),
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
                number(item["rps"]),
                number(item["p50_ms"]),
                number(item["p95_ms"]),
                number(item["p99_ms"]),
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
            ("Goals (median of the same-round req/s ratios)", ["goal", "ratio", ""], goals)
        )
    return found


# The project's performance goals, each a same-round ratio and the least its median should be.
# A run shows each goal it measured, met or short by how much (goals on bulk rows/s and p99 are
# read from the tables above).
GOALS = (
    ("FastAPI V2 infer ≥ 2.0× MLServer (defaults)", "v2", "fastapi / mlserver", 2.0),
    ("FastAPI V2 infer ≥ 1.5× MLServer (batching)", "v2", "fastapi / mlserver-batched", 1.5),
    ("FastAPI V2 infer ahead of KServe", "v2", "fastapi / kserve", 1.0),
    ("Flask V2 infer ≥ MLServer (defaults)", "v2", "flask / mlserver", 1.0),
    ("FastAPI /predict ≥ 2.0× the seed FastAPI app", "saturation", "fastapi / seed-fastapi", 2.0),
    ("Flask /predict ≥ 0.9× the seed Flask app", "saturation", "flask / seed-flask", 0.9),
)


def goal_rows(summary: dict) -> list[list[str]]:
    """One row per goal the run measured: the goal, the median ratio, met or short by how much."""
    medians = {
        (ratio["scenario"], ratio["ratio"]): ratio["median"]
        for ratio in summary["ratios"]
        if ratio["metric"] == "rps" and ratio["median"] is not None
    }
    rows = []
    for goal, scenario, ratio, least in GOALS:
        median = medians.get((scenario, ratio))
        if median is None:
            continue
        verdict = "met" if median >= least else f"short by {(1 - median / least) * 100:.0f} %"
        rows.append([goal, f"{median:.2f}×", verdict])
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
    for title, header, rows in tables(summary):
        parts += [f"## {title}", markdown_table(header, rows)]
    if summary["notes"]:
        parts += ["## Notes", "\n".join(f"- {note}" for note in summary["notes"])]
    return "\n\n".join(parts) + "\n"
