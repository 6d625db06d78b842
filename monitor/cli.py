"""Command line: parse the arguments, set up logging, and hand over to the command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from monitor import __version__
from monitor.commands import (
    EXIT_CONFIG,
    EXIT_FAILURE,
    alerts_command,
    channels_command,
    check_command,
    duration,
    enable_channel_command,
    match_command,
    replay_command,
    run_command,
    silence_command,
    silences_command,
    sources_command,
    test_rule_command,
    unsilence_command,
)
from monitor.config import ConfigError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `monitor` command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()  # here, where a closed pipe can still be answered quietly
        return code
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`monitor alerts | head`): not an error worth a traceback.
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
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


if __name__ == "__main__":
    sys.exit(main())
