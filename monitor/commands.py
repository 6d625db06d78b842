"""What each command does: thin calls into the app, the store and the reports."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from monitor.alerts import DispatchReport
from monitor.app import App, CycleReport
from monitor.clock import utc_now
from monitor.config import Config, ConfigError, describe_config, load_config, parse_duration
from monitor.config.durations import format_duration
from monitor.dryrun import explain_page, rules_named, trial_spec, try_rule
from monitor.fetch import Fetcher, FetchLimits, FetchResult
from monitor.reports import (
    alerts_table,
    channels_table,
    failed_alerts_table,
    page_report,
    query_error_message,
    silences_table,
    sources_table,
    trial_report,
    unknown_rule_message,
    when,
)
from monitor.rules import QuerySyntaxError, compile_rules
from monitor.rules.hints import ending_hints
from monitor.specs import rule_specs
from monitor.store import Store

log = logging.getLogger("monitor")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


def duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def config_path(args: argparse.Namespace) -> Path:
    if args.config is not None:
        return args.config
    return Path(os.environ.get("MONITOR_CONFIG") or "rules.yaml")


def load(args: argparse.Namespace) -> Config:
    return load_config(config_path(args))


def check_command(args: argparse.Namespace) -> int:
    config = load(args)
    print(describe_config(config))
    hints = ending_hints(rule_specs(config))
    if hints:
        print("hints:")
        for hint in hints:
            print(f"  {hint}")
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
    if report.notices:
        print(f"source-health notices={report.notices}")
    if report.dispatch is not None:
        d = report.dispatch
        print(f"delivered={d.delivered} retrying={d.retried} failed={d.failed}")


def test_rule_command(args: argparse.Namespace) -> int:
    config = load(args)
    specs = rule_specs(config)
    try:
        spec = trial_spec(specs, args.name, args.query)
        compile_rules([spec])
    except KeyError:
        print(unknown_rule_message(args.name, specs), file=sys.stderr)
        return EXIT_CONFIG
    except QuerySyntaxError as error:
        print(query_error_message(args.query or spec.query or "", error), file=sys.stderr)
        return EXIT_CONFIG
    with open_store(config) as store:
        since = utc_now() - args.since
        trial = try_rule(spec, store.articles_since(since))
    print(trial_report(trial))
    retention = config.storage.retention
    if retention is not None and args.since > retention:
        print(
            f"note: articles older than {format_duration(retention)} (storage.retention) "
            "keep only their title, and were tried on it alone"
        )
    return EXIT_OK


def match_command(args: argparse.Namespace) -> int:
    config = load(args)
    specs = rule_specs(config)
    try:
        chosen = rules_named(specs, args.rule)
    except KeyError:
        print(unknown_rule_message(args.rule, specs), file=sys.stderr)
        return EXIT_CONFIG
    page, url, headers = read_page(args.page, config)
    document, explanations = explain_page(chosen, page, url, headers)
    print(page_report(document, explanations))
    return EXIT_OK


def read_page(where: str, config: Config) -> tuple[bytes, str, dict[str, str]]:
    """A local file's bytes, or a URL fetched with the daemon's own limits and guard."""
    if where.startswith(("http://", "https://")):
        limits = FetchLimits(allow_private_networks=config.defaults.allow_private_networks)

        async def fetch() -> FetchResult:
            async with Fetcher(limits) as fetcher:
                return await fetcher.fetch(where)

        result = asyncio.run(fetch())
        return result.body, result.final_url, dict(result.headers)
    path = Path(where)
    return path.read_bytes(), path.resolve().as_uri(), {}


@contextlib.contextmanager
def open_store(config: Config) -> Iterator[Store]:
    store = Store(config.storage.url)
    try:
        store.upgrade()
        yield store
    finally:
        store.close()


def sources_command(args: argparse.Namespace) -> int:
    with open_store(load(args)) as store:
        print(sources_table(store.list_sources()))
    return EXIT_OK


def alerts_command(args: argparse.Namespace) -> int:
    with open_store(load(args)) as store:
        if args.failed:
            print(failed_alerts_table(store.failed_alerts(args.limit)))
        else:
            print(alerts_table(store.recent_alerts(args.limit)))
    return EXIT_OK


def replay_command(args: argparse.Namespace) -> int:
    config = load(args)

    async def replay() -> DispatchReport:
        async with App(config, workers=0) as app:
            return await app.replay(args.id)

    try:
        report = asyncio.run(replay())
    except KeyError:
        print(f"no alert {args.id!r} (see `monitor alerts`)", file=sys.stderr)
        return EXIT_FAILURE
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILURE
    outcome = "delivered" if report.delivered else "retrying" if report.retried else "failed"
    print(f"alert {args.id}: {outcome}")
    return EXIT_OK if report.delivered else EXIT_FAILURE


def silence_target(text: str, config: Config) -> tuple[str, str]:
    """("story", id) for `story:<id>`, ("rule", name) for a configured rule; ValueError else."""
    if text.startswith("story:"):
        number = text.removeprefix("story:")
        if not number.isdigit():
            raise ValueError(f"bad story {text!r}: use story:<id>, e.g. story:42")
        return "story", str(int(number))
    names = [rule.name for rule in config.rules]
    if text not in names:
        close = difflib.get_close_matches(text, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown rule {text!r}{hint}; silence a rule name or story:<id>")
    return "rule", text


def silence_command(args: argparse.Namespace) -> int:
    config = load(args)
    try:
        kind, target = silence_target(args.target, config)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    with open_store(config) as store:
        silence = store.add_silence(kind, target, duration=args.duration, reason=args.reason)
    print(f"silence {silence.id}: {silence.label} until {when(silence.ends_at)}")
    return EXIT_OK


def silences_command(args: argparse.Namespace) -> int:
    with open_store(load(args)) as store:
        print(silences_table(store.active_silences()))
    return EXIT_OK


def unsilence_command(args: argparse.Namespace) -> int:
    with open_store(load(args)) as store:
        ended = store.end_silence(args.id)
    if not ended:
        print(f"no active silence {args.id} (see `monitor silences`)", file=sys.stderr)
        return EXIT_FAILURE
    print(f"silence {args.id} ended")
    return EXIT_OK


def channels_command(args: argparse.Namespace) -> int:
    config = load(args)
    with open_store(config) as store:
        print(channels_table(config.channels, store.disabled_channels()))
    return EXIT_OK


def enable_channel_command(args: argparse.Namespace) -> int:
    config = load(args)
    if args.name not in config.channels:
        print(f"unknown channel {args.name!r}", file=sys.stderr)
        return EXIT_CONFIG
    with open_store(config) as store:
        enabled = store.enable_channel(args.name)
    print(f"channel {args.name}: {'enabled' if enabled else 'was not disabled'}")
    if enabled:
        log.info("channel_enabled channel=%s reason=command", args.name)
    return EXIT_OK
