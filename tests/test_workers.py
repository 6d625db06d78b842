"""The analysis pool survives a worker process that dies under it."""

from __future__ import annotations

import asyncio
import os
import signal

from monitor.analysis import AnalysisJob
from monitor.rules import RuleSpec
from monitor.sources import Entry
from monitor.workers import AnalysisPool

JOB = AnalysisJob(
    "steppe",
    Entry(url="https://example.org/a", title="CSTO troops", summary="CSTO troops at the border."),
)


async def test_a_killed_worker_is_replaced_and_the_job_still_analysed() -> None:
    pool = AnalysisPool([RuleSpec(name="border", keywords=("CSTO",))], workers=1, geo=False)
    try:
        assert [m.rule for m in (await pool.analyse(JOB)).matches] == ["border"]
        # Fault injection: kill the worker process, as the OOM killer would.
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(pool._executor, os.getpid)
        os.kill(worker, signal.SIGKILL)

        analysis = await pool.analyse(JOB)
    finally:
        pool.close()
    assert [m.rule for m in analysis.matches] == ["border"]
