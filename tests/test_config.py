"""rules.yaml loading: a user's mistakes come back as file:line:col messages, all at once."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import (
    DEFAULT_DATABASE_URL,
    Config,
    ConfigError,
    ConsoleChannel,
    EmailChannel,
    WebhookChannel,
    describe_config,
    format_duration,
    load_config,
    parse_duration,
    parse_smtp_url,
)

DATA = Path(__file__).parent / "data" / "config"
REPO_ROOT = Path(__file__).parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(path: Path, env: dict[str, str] | None = None) -> list[str]:
    """Every problem load_config reports, without the file name (which is checked separately)."""
    with pytest.raises(ConfigError) as info:
        load_config(path, env={} if env is None else env)
    return [str(problem).removeprefix(f"{path}:") for problem in info.value.problems]


def where(path: Path, needle: str) -> str:
    """The ``line:col`` (1-based) of the first occurrence of ``needle`` in the file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(f"{needle!r} not in {path}")


MINIMAL = """
    version: 1
    channels:
      log: {type: console}
    rules:
      - name: border
        keywords: [border]
"""


# --- every kind of mistake, with its place ------------------------------------------------

ERRORS = [
    (
        "unknown_top_level_key",
        "2:1: storge: unknown key 'storge' (did you mean 'storage'?)",
    ),
    (
        "unknown_nested_key",
        "5:5: sources[0].kidn: unknown key 'kidn' (did you mean 'kind'?)",
    ),
    (
        "bad_duration",
        "5:15: sources[0].interval: bad duration '15 minutes': use a number and a unit, "
        "largest first, e.g. 30s, 15m, 2h, 1d or 1h30m",
    ),
    (
        "duplicate_name",
        "5:11: sources[1].name: duplicate name 'eurasianet' (first used on line 3)",
    ),
    (
        "bad_name",
        "5:11: rules[0].name: bad name 'border news': use only letters, digits, '-' and '_'",
    ),
    (
        "unknown_channel_in_rule",
        "15:21: rules[2].channels[1]: unknown channel 'ops-mail' (did you mean 'ops-hook'?)",
    ),
    (
        "unknown_source_in_rule",
        "10:15: rules[0].sources[0]: unknown source 'eurasia-net' (did you mean 'eurasianet'?)",
    ),
    (
        "unknown_channel_type",
        "4:11: channels.desk.type: unknown channel type 'mail' (did you mean 'email'?); "
        "valid types: email, webhook, console",
    ),
    (
        "rule_matches_nothing",
        "5:5: rules[0]: a rule needs at least one of query, keywords, regions",
    ),
    (
        "missing_env",
        "6:13: channels.desk-hook.secret: environment variable 'WEBHOOK_SECRET' is not set "
        "(set it, or write ${WEBHOOK_SECRET:-default})",
    ),
    (
        "bad_selector",
        "6:12: sources[0].links: invalid CSS selector 'main a.headline[href': "
        "Malformed attribute selector at position 15",
    ),
    (
        # Valid for soupsieve, but extraction runs on lxml's cssselect, which refuses it.
        "bad_extract_selector",
        "6:13: sources[0].extract.body: invalid CSS selector 'div:nth-child(2 of .story)': "
        "Expected an argument, got <DELIM '.' at 19>",
    ),
    (
        "bad_smtp_url",
        "7:11: channels.desk-mail.smtp: bad SMTP URL: scheme 'http'; "
        "expected smtp://[user[:password]@]host[:port] or smtps://...",
    ),
    (
        "yaml_syntax_error",
        "6:4: invalid YAML: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block collection)",
    ),
]


@pytest.mark.parametrize(("name", "expected"), ERRORS, ids=[name for name, _ in ERRORS])
def test_each_mistake_is_reported_at_its_line_and_column(name: str, expected: str) -> None:
    assert problems(DATA / f"{name}.yaml") == [expected]


def test_a_wrong_type_names_what_was_expected() -> None:
    assert problems(DATA / "wrong_type.yaml") == [
        "3:14: defaults.full_text: expected true or false",
        "8:15: rules[0].keywords: expected a list, e.g. [a, b]",
    ]


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    assert problems(DATA / "many_problems.yaml") == [
        "3:13: defaults.interval: bad duration 'soon': use a number and a unit, largest first, "
        "e.g. 30s, 15m, 2h, 1d or 1h30m",
        "6:10: sources[0].url: bad URL: it must start with http:// or https://",
        "9:11: channels.log.type: unknown channel type 'consle' (did you mean 'console'?); "
        "valid types: email, webhook, console",
        "13:15: rules[0].severity: unknown severity 'urgent'; "
        "expected one of: info, low, medium, high, critical",
        "14:16: rules[0].channels[0]: unknown channel 'logg' (did you mean 'log'?)",
        "15:5: rules[1]: a rule needs at least one of query, keywords, regions",
    ]


def test_str_of_the_error_is_one_problem_a_line_naming_the_file() -> None:
    path = DATA / "many_problems.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    lines = str(info.value).splitlines()
    assert len(lines) == 6
    assert lines[0].startswith(f"{path}:3:13: defaults.interval: ")
    first = info.value.problems[0]
    assert (first.file, first.line, first.column, first.path) == (
        str(path),
        3,
        13,
        "defaults.interval",
    )


def test_a_misspelt_severity_or_kind_gets_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        sources:
          - {name: a, url: "https://example.org/feed", kind: fed}
        rules:
          - {name: border, keywords: [border], severity: hihg}
        """,
    )
    assert problems(path) == [
        f"{where(path, 'fed}')}: sources[0].kind: unknown kind 'fed' (did you mean 'feed'?); "
        "expected one of: auto, feed, html, sitemap",
        f"{where(path, 'hihg')}: rules[0].severity: "
        "unknown severity 'hihg' (did you mean 'high'?); "
        "expected one of: info, low, medium, high, critical",
    ]


def test_missing_required_keys_are_named_where_their_mapping_starts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        sources:
          - name: a
        rules: []
        """,
    )
    assert problems(path) == [
        "1:1: missing required key 'version'",
        "2:5: sources[0]: missing required key 'url'",
    ]


def test_a_missing_file_is_a_config_error_not_an_os_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: cannot read config: No such file or directory"


def test_an_empty_file_says_what_it_should_hold(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert problems(path) == [
        "1:1: the config must be a mapping with version, sources, channels and rules"
    ]


def test_a_repeated_key_is_a_yaml_error_that_does_not_quote_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        channels:
          hook:
            type: webhook
            url: https://hooks.example.org/x
            secret: first-s3cret
            secret: second-s3cret
        """,
    )
    found = problems(path)
    assert found == ["7:5: duplicate key 'secret'"]
    assert "s3cret" not in "".join(found)


# --- environment ---------------------------------------------------------------------------


def test_environment_values_defaults_and_escapes_are_interpolated(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        sources:
          - name: feed
            url: ${FEED_URL:-https://example.org/default.xml}
          - name: other
            url: https://${FEED_HOST}/rss?q=$${literal}
        rules:
          - {name: border, keywords: ["${KEYWORD:-border}"]}
        """,
    )
    config = load_config(path, env={"FEED_HOST": "news.example.org"})
    assert config.sources[0].url == "https://example.org/default.xml"
    assert config.sources[1].url == "https://news.example.org/rss?q=${literal}"
    assert config.rules[0].keywords == ["border"]
    config = load_config(path, env={"FEED_HOST": "x.org", "FEED_URL": "https://e.org/set.xml"})
    assert config.sources[0].url == "https://e.org/set.xml"


def test_a_missing_variable_is_reported_once_with_its_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        channels:
          mail:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtp://monitor:${SMTP_PASSWORD}@${SMTP_HOST}:587
        """,
    )
    assert problems(path, env={"SMTP_HOST": "mail.example.org"}) == [
        "7:11: channels.mail.smtp: environment variable 'SMTP_PASSWORD' is not set "
        "(set it, or write ${SMTP_PASSWORD:-default})"
    ]


def test_load_config_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, MINIMAL.replace("[border]", '["${WATCH_WORD}"]'))
    monkeypatch.setenv("WATCH_WORD", "Wakhan")
    assert load_config(path).rules[0].keywords == ["Wakhan"]


def test_monitor_database_url_overrides_storage_url(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    storage:\n      url: sqlite:///other.db\n")
    assert load_config(path, env={}).storage.url == "sqlite:///other.db"
    url = "postgresql+psycopg://monitor:db-s3cret@db.example.org/monitor"
    config = load_config(path, env={"MONITOR_DATABASE_URL": url})
    assert config.storage.url == url
    assert "db-s3cret" not in describe_config(config)
    without_storage = write(tmp_path, MINIMAL)
    assert load_config(without_storage, env={}).storage.url == DEFAULT_DATABASE_URL
    assert load_config(without_storage, env={"MONITOR_DATABASE_URL": url}).storage.url == url


# --- secrets -------------------------------------------------------------------------------

SECRET = "Sup3r-s3cret-value"


def test_secrets_never_appear_in_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        version: 1
        channels:
          bad-scheme:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: imap://monitor:{SECRET}@mail.example.org
          bad-path:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtp://monitor:{SECRET}/x@mail.example.org
          bad-port:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtp://monitor:{SECRET}@mail.example.org:{SECRET}
          bad-option:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtp://mail.example.org?{SECRET}=1
          hook:
            type: webhook
            url: https://user:{SECRET}@hooks.example.org:99999999/x
            secret: whsec_{SECRET}
          wrong-type:
            type: webhook
            url: https://hooks.example.org/x
            secret: [{SECRET}]
        """,
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert len(info.value.problems) == 7
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


def test_secrets_never_appear_in_reprs_or_the_summary(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        channels:
          mail:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtps://monitor:${SMTP_PASSWORD}@mail.example.org
          slack:
            type: webhook
            url: https://hooks.slack.com/services/${SLACK_TOKEN}
            secret: ${WEBHOOK_SECRET}
            format: slack
        rules:
          - {name: border, keywords: [border]}
        """,
    )
    env = {"SMTP_PASSWORD": SECRET, "SLACK_TOKEN": SECRET, "WEBHOOK_SECRET": SECRET}
    config = load_config(path, env=env)
    mail = config.channels["mail"]
    assert isinstance(mail, EmailChannel)
    assert mail.smtp_settings.password is not None
    assert mail.smtp_settings.password.get_secret_value() == SECRET
    for text in (repr(config), str(config), describe_config(config), repr(mail.smtp_settings)):
        assert SECRET not in text
    assert "smtps://monitor:***@mail.example.org:465" in describe_config(config)


# --- models --------------------------------------------------------------------------------


def test_the_shipped_rules_yaml_is_valid() -> None:
    config = load_config(REPO_ROOT / "rules.yaml", env={})
    assert len(config.sources) >= 3
    assert all(source.url.startswith("https://") for source in config.sources)
    assert {type(channel) for channel in config.channels.values()} == {ConsoleChannel}
    assert config.rules
    assert all(rule.keywords for rule in config.rules)


def test_a_full_config_loads_into_typed_objects(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        defaults: {interval: 10m, full_text: false}
        sources:
          - name: steppe-asia
            url: https://example.org/asia/
            kind: html
            interval: 1h30m
            links: "main a.headline[href]"
            extract: {body: "article .body", drop: [".share", "aside"]}
          - {name: bbc, url: "https://feeds.bbci.co.uk/news/world/rss.xml", full_text: true}
        channels:
          desk-mail:
            type: email
            to: analyst@example.org
            from: monitor@example.org
            smtp: smtp://relay.example.org
            digest: daily  08:30
            timezone: Asia/Almaty
          desk-hook: {type: webhook, url: "https://hooks.example.org/m", format: teams}
          log: {type: console}
        rules:
          - name: border
            keywords: [border]
            languages: [EN, ru]
            channels: [desk-mail]
            region_min_score: 0.5
          - {name: troops, keywords: [troops], severity: critical}
        regions:
          Ferghana Valley: [Uzbekistan, Kyrgyzstan, Tajikistan]
        """,
    )
    config = load_config(path, env={})
    html, bbc = config.sources
    assert html.effective_interval(config.defaults) == timedelta(hours=1, minutes=30)
    assert bbc.effective_interval(config.defaults) == timedelta(minutes=10)
    assert (
        html.effective_full_text(config.defaults),
        bbc.effective_full_text(config.defaults),
    ) == (
        False,
        True,
    )
    assert html.extract is not None
    assert html.extract.drop == [".share", "aside"]
    mail = config.channels["desk-mail"]
    assert isinstance(mail, EmailChannel)
    assert (mail.to, mail.sender, mail.digest) == (
        ["analyst@example.org"],
        "monitor@example.org",
        "daily 08:30",
    )
    assert str(mail.digest_time) == "08:30:00"
    settings = mail.smtp_settings
    assert (settings.host, settings.port, settings.starttls, settings.implicit_tls) == (
        "relay.example.org",
        587,
        True,
        False,
    )
    hook = config.channels["desk-hook"]
    assert isinstance(hook, WebhookChannel)
    assert (hook.format, hook.secret) == ("teams", None)
    border, troops = config.rules
    assert border.languages == ["en", "ru"]
    assert (border.severity, troops.severity) == ("medium", "critical")
    assert config.channels_for(border) == ["desk-mail"]
    assert config.channels_for(troops) == ["desk-mail", "desk-hook", "log"]
    assert config.regions == {"Ferghana Valley": ["Uzbekistan", "Kyrgyzstan", "Tajikistan"]}
    with pytest.raises(ValueError, match="frozen"):
        config.rules[0].name = "other"  # type: ignore[misc]


def test_describe_config_summarises_sources_channels_and_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        sources:
          - {name: eurasianet, url: "https://eurasianet.org/rss.xml", kind: feed, interval: 30m}
        channels:
          desk-mail:
            type: email
            to: [analyst@example.org]
            from: monitor@example.org
            smtp: smtp://monitor:pw@mail.example.org
            digest: hourly
          log: {type: console}
        rules:
          - name: border
            keywords: [border guards, Wakhan]
            severity: high
            channels: [desk-mail]
          - {name: csto, query: "CSTO AND troops"}
        """,
    )
    summary = describe_config(load_config(path, env={})).splitlines()
    assert summary[0] == "1 source, 2 channels, 2 rules, 0 custom regions"
    assert "  eurasianet: feed, every 30m, https://eurasianet.org/rss.xml" in summary
    assert (
        "  desk-mail: email to analyst@example.org from monitor@example.org via "
        "smtp://monitor:***@mail.example.org:587 (STARTTLS), digest hourly UTC"
    ) in summary
    assert "  log: console" in summary
    assert "  border: high -> desk-mail; keywords border guards, Wakhan" in summary
    assert "  csto: medium -> desk-mail, log; query 'CSTO AND troops'" in summary


def test_links_on_a_feed_source_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        sources:
          - name: a
            url: https://example.org/rss.xml
            kind: feed
            links: main a
        """,
    )
    assert problems(path) == [
        f"{where(path, 'main a')}: sources[0].links: 'links' applies only to sources of kind html"
        " or auto"
    ]


def test_config_is_usable_without_a_file() -> None:
    config = Config.model_validate({"version": 1})
    assert config.storage.url == DEFAULT_DATABASE_URL
    assert config.defaults.interval == timedelta(minutes=15)
    assert config.defaults.allow_private_networks is False


# --- SMTP URLs -----------------------------------------------------------------------------

SMTP_URLS = [
    ("smtp://mail.example.org", ("mail.example.org", 587, None, None, False, True)),
    ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "u", "p", True, False)),
    ("smtp://u%40x:p%2Fq@h.example.org:2525", ("h.example.org", 2525, "u@x", "p/q", False, True)),
    ("smtp://127.0.0.1:8025?starttls=false", ("127.0.0.1", 8025, None, None, False, False)),
]


@pytest.mark.parametrize(("url", "expected"), SMTP_URLS, ids=[url for url, _ in SMTP_URLS])
def test_smtp_urls_give_host_port_login_and_tls_mode(
    url: str, expected: tuple[object, ...]
) -> None:
    s = parse_smtp_url(url)
    password = s.password.get_secret_value() if s.password else None
    assert (s.host, s.port, s.username, password, s.implicit_tls, s.starttls) == expected


@pytest.mark.parametrize(
    "url",
    [
        "mail.example.org",
        "smtp://",
        "smtp://u:pw@mail.example.org/path",
        "smtp://mail.example.org:port",
        "smtp://mail.example.org?starttls=maybe",
        "smtp://mail.example.org?tls=1",
    ],
)
def test_malformed_smtp_urls_are_refused_without_quoting_them(url: str) -> None:
    with pytest.raises(ValueError, match="bad SMTP URL") as info:
        parse_smtp_url(url)
    assert "example.org" not in str(info.value)
    assert "pw" not in str(info.value)


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 1d12h ", timedelta(days=1, hours=12)),
    ],
)
def test_durations_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "15", "m", "15 m", "1.5h", "30m1h", "-5m", "15min"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10_000)))
def test_durations_round_trip_through_their_text(value: timedelta) -> None:
    whole = timedelta(seconds=int(value.total_seconds()))
    assert parse_duration(format_duration(whole)) == whole


@given(
    st.integers(0, 400),
    st.integers(0, 99),
    st.integers(0, 999),
    st.integers(0, 9999),
)
def test_any_written_combination_parses_to_its_sum(d: int, h: int, m: int, s: int) -> None:
    text = "".join(f"{n}{unit}" for n, unit in ((d, "d"), (h, "h"), (m, "m"), (s, "s")) if n)
    expected = timedelta(days=d, hours=h, minutes=m, seconds=s)
    if text:
        assert parse_duration(text) == expected


@given(st.text(alphabet=st.characters(exclude_characters="0123456789dhms \t\n\r\x0b\x0c")))
def test_text_with_other_characters_is_never_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)


# --- queries and regions (validated by monitor.rules and monitor.geo) -----------------------


def test_a_query_error_points_at_the_column_inside_the_query(tmp_path: Path) -> None:
    from monitor.rules import QuerySyntaxError, parse_query

    query = "border AND (troops OR CSTO"
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    path = write(
        tmp_path,
        f"""
        version: 1
        rules:
          - name: plain
            query: {query}
          - name: quoted
            query: '{query}'
          - name: block
            query: >-
              {query}
        """,
    )
    plain_line, plain_column = map(int, where(path, query).split(":"))
    quoted_line = plain_line + 2
    assert problems(path) == [
        f"{plain_line}:{plain_column + info.value.column}: rules[0].query: {info.value.message}",
        f"{quoted_line}:{plain_column + 1 + info.value.column}: rules[1].query: "
        f"{info.value.message}",
        f"{quoted_line + 2}:12: rules[2].query: {info.value.message}",
    ]


def test_a_valid_query_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        rules:
          - name: border
            query: '(border OR troops OR "cross-border" OR CSTO) AND NOT football'
        """,
    )
    assert load_config(path, env={}).rules[0].query is not None


def test_unknown_regions_are_reported_with_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        rules:
          - name: border
            regions: [Afghanistan, Centrl Asia, Ferghana Valley]
        regions:
          Ferghana Valley: [Uzbekistan, Kyrgyzstan, Tajikistn]
        """,
    )
    assert problems(path) == [
        f"{where(path, 'Centrl')}: rules[0].regions[1]: unknown region 'Centrl Asia' "
        "(did you mean 'Central Asia'?)",
        f"{where(path, 'Tajikistn')}: regions['Ferghana Valley'][2]: unknown region 'Tajikistn' "
        "(did you mean 'Tajikistan'?)",
    ]


def test_known_and_custom_regions_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        rules:
          - name: border
            regions: [Central Asia, Afghanistan, Ferghana Valley]
            region_min_score: 0.5
        regions:
          Ferghana Valley: [Uzbekistan, Kyrgyzstan, Tajikistan]
        """,
    )
    rule = load_config(path, env={}).rules[0]
    assert rule.regions == ["Central Asia", "Afghanistan", "Ferghana Valley"]


def test_empty_sections_are_read_as_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nsources:\nchannels:\nrules:\n")
    config = load_config(path, env={})
    assert (config.sources, config.channels, config.rules) == ([], {}, [])


def test_an_unknown_key_without_a_close_match_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "        description: watch the border\n")
    assert problems(path) == [
        f"{where(path, 'description')}: rules[0].description: unknown key 'description' "
        "(valid keys: name, query, keywords, regions, sources, languages, severity, channels, "
        "region_min_score, max_alerts, on_update)"
    ]


def test_nested_aliases_cannot_blow_up_memory(tmp_path: Path) -> None:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="more than 200000 values"):
        load_config(path, env={})


def test_a_bad_channel_name_is_reported_at_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nchannels:\n  desk log:\n    type: console\n")
    assert problems(path) == [
        "3:3: channels['desk log']: bad name 'desk log': use only letters, digits, '-' and '_'"
    ]


# --- dispatch policy: digests on every channel, throttles, follow-ups, source health ----------


def test_dispatch_policy_keys_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        version: 1
        channels:
          log: {type: console, digest: hourly}
          hook: {type: webhook, url: "https://hooks.example.org/x", digest: "daily  08:00",
                 timezone: Europe/Paris}
        rules:
          - name: border
            keywords: [border]
            max_alerts: 20 / Hour
            on_update: {notify: true, min_sources: 4}
        health:
          channel: hook
        """,
    )
    config = load_config(path, env={})
    assert config.channels["log"].digest == "hourly"
    assert config.channels["hook"].digest == "daily 08:00"
    assert config.rules[0].max_alerts == "20/hour"
    assert (config.rules[0].on_update.notify, config.rules[0].on_update.min_sources) == (True, 4)
    assert config.health is not None
    assert config.health.failing_after == timedelta(hours=6)
    summary = describe_config(config)
    assert "health: notices to hook, failing after 6h" in summary
    assert "at most 20/hour" in summary


def test_rules_without_the_new_keys_keep_the_old_behaviour(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), env={})
    assert config.rules[0].max_alerts is None
    assert config.rules[0].on_update.notify is False
    assert config.health is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("        max_alerts: 20/week\n", "bad rate '20/week'"),
        ("        max_alerts: 0/hour\n", "bad rate '0/hour'"),
        ("        on_update: {notify: true, min_sources: 1}\n", "greater than or equal to 2"),
        ("        on_update: {notfy: true}\n", "unknown key 'notfy'"),
    ],
    ids=["unit", "zero", "min-sources", "typo"],
)
def test_bad_dispatch_policy_values_are_config_errors(
    tmp_path: Path, extra: str, message: str
) -> None:
    path = write(tmp_path, MINIMAL + extra)
    assert any(message in problem for problem in problems(path))


def test_health_needs_a_known_channel_and_a_duration(tmp_path: Path) -> None:
    extra = "    health:\n      channel: lgo\n      failing_after: soon\n"
    path = write(tmp_path, MINIMAL + extra)
    found = problems(path)
    assert any("health.channel: unknown channel 'lgo' (did you mean 'log'?)" in p for p in found)
    assert any("health.failing_after" in p and "bad duration" in p for p in found)


@pytest.mark.parametrize(
    ("storage", "kept"),
    [
        ("", timedelta(days=90)),
        ("    storage: {retention: 365d}\n", timedelta(days=365)),
        ("    storage: {retention: null}\n", None),
    ],
    ids=["default", "a-year", "forever"],
)
def test_article_retention_defaults_to_90_days_and_null_keeps_them(
    tmp_path: Path, storage: str, kept: timedelta | None
) -> None:
    config = load_config(write(tmp_path, MINIMAL + storage), env={})
    assert config.storage.retention == kept
    shown = "articles kept for ever" if kept is None else f"article text kept {kept.days}d"
    assert shown in describe_config(config)


def test_a_retention_too_short_for_stories_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    storage: {retention: 3d}\n")
    assert any(
        "storage.retention" in problem and "at least 7d" in problem for problem in problems(path)
    )
