"""The processes this test session started, read from /proc: Ray's nodes are its descendants."""

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # after "pid (name) "


def descendants(root: int | None = None) -> list[int]:
    """Every live process below `root` (this one by default)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(stat_fields(int(entry.name))[1])
            except (OSError, ValueError):
                continue  # it ended while we looked
    found, frontier = [], [root or os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time of each of these processes so far (those still running)."""
    found = {}
    for pid in pids:
        try:
            fields = stat_fields(pid)
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings, over the processes present in both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def resident_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except OSError:
            continue
    return total


def alive(pids: list[int]) -> list[int]:
    """Those still running (a zombie has ended)."""
    running = []
    for pid in pids:
        try:
            if stat_fields(pid)[0] != "Z":
                running.append(pid)
        except OSError:
            continue
    return running
