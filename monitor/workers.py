"""Run the pure analysis stages in worker processes so the event loop stays responsive.

Each worker builds its own Analyzer once (compiled rules, loaded gazetteer) in the
pool initializer; a job and its Analysis cross the process boundary as plain data.
With `workers=0` the same Analyzer runs in a thread of this process, which is what
tests and tiny installations want.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from monitor.analysis import Analysis, AnalysisJob, Analyzer
from monitor.rules import RuleSpec

log = logging.getLogger(__name__)

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
        self._rules = tuple(rules)
        self._workers = workers
        self._geo = geo
        self._inline: Analyzer | None = None
        self._executor: ProcessPoolExecutor | None = None
        if workers <= 0:
            self._inline = Analyzer(rules, geo=geo)
        else:
            self._executor = self._start_executor()

    def _start_executor(self) -> ProcessPoolExecutor:
        # forkserver: forking a process that already runs threads (the event loop's
        # executor, database pools) can copy held locks into the child.
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
            initargs=(self._rules, self._geo),
        )

    async def analyse(self, job: AnalysisJob) -> Analysis:
        """Analyse one job; a pool broken by a dead worker is replaced once and retried."""
        if self._inline is not None:
            return await asyncio.to_thread(self._inline.analyse, job)
        executor = self._executor
        assert executor is not None
        try:
            return await self._analyse_in(executor, job)
        except BrokenProcessPool:
            log.warning("analysis_pool_broken workers=%d action=restart", self._workers)
            return await self._analyse_in(self._replace(executor), job)

    @staticmethod
    async def _analyse_in(executor: ProcessPoolExecutor, job: AnalysisJob) -> Analysis:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, _analyse_in_worker, job)

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A new executor for a broken one (once, however many jobs saw it break)."""
        if self._executor is broken:
            self._executor = self._start_executor()
            broken.shutdown(wait=False, cancel_futures=True)
        assert self._executor is not None
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
