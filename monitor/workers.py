"""Run the pure analysis stages in worker processes so the event loop stays responsive.

Each worker builds its own Analyzer once (compiled rules, loaded gazetteer) in the
pool initializer; a job and its Analysis cross the process boundary as plain data.
With `workers=0` the same Analyzer runs in a thread of this process, which is what
tests and tiny installations want.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from monitor.analysis import Analysis, AnalysisJob, Analyzer
from monitor.rules import RuleSpec

# The one Analyzer of a worker process. A process pool offers no other place to keep
# per-worker state; it is set once by the initializer and never shared.
_worker_analyzer: Analyzer | None = None


def _start_worker(rules: Sequence[RuleSpec], geo: bool) -> None:
    global _worker_analyzer
    _worker_analyzer = Analyzer(rules, geo=geo)


def _analyse_in_worker(job: AnalysisJob) -> Analysis:
    if _worker_analyzer is None:
        raise RuntimeError("analysis worker was not initialised")
    return _worker_analyzer.analyse(job)


class AnalysisPool:
    """Analyse jobs in `workers` processes, or in a thread when `workers` is 0."""

    def __init__(self, rules: Sequence[RuleSpec], *, workers: int, geo: bool = True) -> None:
        self._inline: Analyzer | None = None
        self._executor: ProcessPoolExecutor | None = None
        if workers <= 0:
            self._inline = Analyzer(rules, geo=geo)
        else:
            # forkserver: forking a process that already runs threads (the event loop's
            # executor, database pools) can copy held locks into the child.
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(tuple(rules), geo),
            )

    async def analyse(self, job: AnalysisJob) -> Analysis:
        if self._inline is not None:
            return await asyncio.to_thread(self._inline.analyse, job)
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _analyse_in_worker, job)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
