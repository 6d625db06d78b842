"""Command line: parse arguments, load the config, call the app; no logic of its own."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from monitor import __version__
from monitor.app import App, CycleReport
from monitor.config import Config, ConfigError, describe_config, load_config
from monitor.reports import alerts_table, sources_table
from monitor.store import Store

log = logging.getLogger("monitor")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `monitor` command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.handler(args)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitor", description="Feed-monitoring alert daemon.")
    parser.add_argument("--version", action="version", version=f"monitor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug events")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the daemon")
    add_config_option(run)
    run.add_argument("--once", action="store_true", help="one cycle: poll, process, deliver, exit")
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        help="analysis worker processes (0: analyse in the main process)",
    )
    run.set_defaults(handler=run_command)

    check = commands.add_parser("check", help="validate the config and print a summary")
    add_config_option(check)
    check.set_defaults(handler=check_command)

    sources = commands.add_parser("sources", help="table of source health")
    add_config_option(sources)
    sources.set_defaults(handler=sources_command)

    alerts = commands.add_parser("alerts", help="recent alerts with their delivery state")
    add_config_option(alerts)
    alerts.add_argument("--limit", type=int, default=50, help="how many alerts to show")
    alerts.set_defaults(handler=alerts_command)
    return parser


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="rules.yaml to use (default: $MONITOR_CONFIG, then ./rules.yaml)",
    )


def config_path(args: argparse.Namespace) -> Path:
    if args.config is not None:
        return args.config
    return Path(os.environ.get("MONITOR_CONFIG") or "rules.yaml")


def load(args: argparse.Namespace) -> Config:
    return load_config(config_path(args))


class EventFormatter(logging.Formatter):
    """One event a line: time, level, logger, message; newlines in messages are escaped."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return line.replace("\r", "\\r").replace("\n", "\\n")


def configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        EventFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx logs every request at INFO, with full URLs (which may carry tokens).
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosmtpd", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def check_command(args: argparse.Namespace) -> int:
    config = load(args)
    print(describe_config(config))
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    config = load(args)

    async def run() -> int:
        async with App(config, workers=args.workers) as app:
            if args.once:
                report = await app.run_once()
                print_cycle(report)
                return EXIT_OK
            await run_daemon(app, args)
            return EXIT_OK

    return asyncio.run(run())


async def run_daemon(app: App, args: argparse.Namespace) -> None:
    """Run until SIGTERM or SIGINT; SIGHUP reloads the config, keeping the old one if bad."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: reload_config(app, args))
    await app.run(stop)


def reload_config(app: App, args: argparse.Namespace) -> None:
    try:
        config = load(args)
    except ConfigError as error:
        log.error(
            "config_reload_rejected path=%s problems=%d first=%s",
            config_path(args),
            len(error.problems),
            error.problems[0] if error.problems else error,
        )
        return
    app.request_reload(config)


def print_cycle(report: CycleReport) -> None:
    for poll in report.polls:
        detail = f" reason={poll.reason}" if poll.reason else ""
        print(
            f"source {poll.source}: {poll.status} new={poll.new_articles} "
            f"alerts={poll.alerts}{detail}"
        )
    if report.dispatch is not None:
        d = report.dispatch
        print(f"delivered={d.delivered} retrying={d.retried} failed={d.failed}")


def sources_command(args: argparse.Namespace) -> int:
    config = load(args)
    store = Store(config.storage.url)
    try:
        store.upgrade()
        print(sources_table(store.list_sources()))
    finally:
        store.close()
    return EXIT_OK


def alerts_command(args: argparse.Namespace) -> int:
    config = load(args)
    store = Store(config.storage.url)
    try:
        store.upgrade()
        print(alerts_table(store.recent_alerts(args.limit)))
    finally:
        store.close()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
