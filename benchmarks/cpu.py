"""How busy the machine was with other work while the benchmark ran (a noise figure)."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _system_busy_s() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (not guest)
    return (total - idle) / TICK


def _process_cpu_s(pid: int) -> float:
    try:
        rest = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(rest[11]) + int(rest[12])) / TICK  # utime + stime


def _own_cpu_s() -> float:
    """This process and its reaped children (wrk runs)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class Meter:
    """Measure, over a stretch of time, the cores used by processes that are not ours."""

    def __init__(self, server_pids: Iterable[int]):
        self.pids = list(server_pids)
        self.wall = time.monotonic()
        self.busy = _system_busy_s()
        self.ours = _own_cpu_s() + sum(_process_cpu_s(p) for p in self.pids)

    def background_cores(self) -> float:
        wall = time.monotonic() - self.wall
        busy = _system_busy_s() - self.busy
        ours = _own_cpu_s() + sum(_process_cpu_s(p) for p in self.pids) - self.ours
        return max(0.0, busy - ours) / wall if wall > 0 else 0.0
