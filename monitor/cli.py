"""Command line: parse arguments, load the config, call the app; no logic of its own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

from monitor import __version__
from monitor.alerts import DispatchReport
from monitor.app import App, CycleReport
from monitor.clock import utc_now
from monitor.config import Config, ConfigError, describe_config, load_config, parse_duration
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
from monitor.specs import rule_specs
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

    test_rule = commands.add_parser(
        "test-rule", help="run one rule over stored articles and show what it would fire"
    )
    test_rule.add_argument("name", help="a rule of the config, or a name for --query")
    add_config_option(test_rule)
    test_rule.add_argument(
        "--since", type=duration, default=timedelta(days=7), help="how far back (default 7d)"
    )
    test_rule.add_argument("--query", help="try this query instead of the rule's own")
    test_rule.set_defaults(handler=test_rule_command)

    match = commands.add_parser(
        "match", help="extract one page and show what every rule says about it"
    )
    match.add_argument("page", help="an HTML file or an http(s) URL")
    add_config_option(match)
    match.add_argument("--rule", help="only this rule")
    match.set_defaults(handler=match_command)

    sources = commands.add_parser("sources", help="table of source health")
    add_config_option(sources)
    sources.set_defaults(handler=sources_command)

    alerts = commands.add_parser("alerts", help="recent alerts with their delivery state")
    add_config_option(alerts)
    alerts.add_argument("--limit", type=int, default=50, help="how many alerts to show")
    alerts.add_argument(
        "--failed", action="store_true", help="only alerts that gave up, with their last error"
    )
    alerts.set_defaults(handler=alerts_command)
    alert_commands = alerts.add_subparsers(dest="alerts_command", required=False)
    replay = alert_commands.add_parser("replay", help="send one alert again, with the same id")
    replay.add_argument("id", help="the alert id (see `monitor alerts`)")
    add_config_option(replay, suppress=True)
    replay.set_defaults(handler=replay_command)

    silence = commands.add_parser("silence", help="hold the alerts of a rule or a story")
    silence.add_argument("target", help="a rule name, or story:<id>")
    silence.add_argument(
        "--for", dest="duration", type=duration, required=True, help="how long, e.g. 2h"
    )
    silence.add_argument("--reason", default=None, help="why, shown by `monitor silences`")
    add_config_option(silence)
    silence.set_defaults(handler=silence_command)

    silences = commands.add_parser("silences", help="table of the silences that hold now")
    add_config_option(silences)
    silences.set_defaults(handler=silences_command)

    unsilence = commands.add_parser("unsilence", help="end a silence now")
    unsilence.add_argument("id", type=int, help="the silence id (see `monitor silences`)")
    add_config_option(unsilence)
    unsilence.set_defaults(handler=unsilence_command)

    channels = commands.add_parser("channels", help="table of channels and their state")
    add_config_option(channels)
    channels.set_defaults(handler=channels_command)
    channel_commands = channels.add_subparsers(dest="channels_command", required=False)
    enable = channel_commands.add_parser("enable", help="enable a disabled channel again")
    enable.add_argument("name", help="the channel's name")
    add_config_option(enable, suppress=True)
    enable.set_defaults(handler=enable_channel_command)
    return parser


def add_config_option(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """`--config`; `suppress` on a sub-command keeps a value given before it."""
    parser.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS if suppress else None,
        help="rules.yaml to use (default: $MONITOR_CONFIG, then ./rules.yaml)",
    )


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


if __name__ == "__main__":
    sys.exit(main())
