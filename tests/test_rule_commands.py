"""An analyst tunes rules before they wake anyone: `monitor test-rule` and `monitor match`."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main
from monitor.rules import Document, RuleSpec, compile_rules
from tests.support.http_server import HttpServer
from tests.support.news_world import (
    BORDER_TITLE,
    FOOTBALL_TITLE,
    MARKET_TITLE,
    STORIES,
    article_page,
    serve_news_world,
)

RULES = """
rules:
  - name: central-asia-border
    keywords: [CSTO, "Russian troops"]
  - name: sport
    query: 'title:(goal OR cup) AND NOT CSTO'
"""


def write_config(tmp_path: Path, feed_url: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n  - name: steppe\n    url: {feed_url}\n"
        "channels:\n  log:\n    type: console\n" + RULES
    )
    return path


@pytest.fixture
def stored_world(tmp_path: Path, http_server: HttpServer, capsys) -> Path:
    """A config whose database holds the news world's three articles."""
    config = write_config(tmp_path, serve_news_world(http_server))
    assert main(["run", "--once", "--config", str(config), "--workers", "0"]) == 0
    capsys.readouterr()
    return config


def test_test_rule_lists_what_a_rule_would_fire_and_why(stored_world: Path, capsys) -> None:
    assert main(["test-rule", "central-asia-border", "--config", str(stored_world)]) == 0
    out = capsys.readouterr().out
    assert BORDER_TITLE in out
    assert FOOTBALL_TITLE not in out
    assert "terms: CSTO, Russian troops" in out
    assert "2026-11-24  1" in out  # alerts a day
    assert "1 of 3 stored articles would fire" in out


def test_test_rule_tries_an_ad_hoc_query(stored_world: Path, capsys) -> None:
    code = main(["test-rule", "trial", "--query", "cotton OR goal", "--config", str(stored_world)])
    assert code == 0
    out = capsys.readouterr().out
    assert MARKET_TITLE in out
    assert FOOTBALL_TITLE in out
    assert BORDER_TITLE not in out
    assert "2 of 3 stored articles would fire" in out


@pytest.mark.parametrize(("since", "noted"), [("7d", False), ("120d", True)])
def test_test_rule_says_when_it_reaches_back_past_the_retention(
    stored_world: Path, capsys, since: str, noted: bool
) -> None:
    args = ["test-rule", "central-asia-border", "--since", since, "--config", str(stored_world)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert ("older than 90d (storage.retention) keep only their title" in out) is noted


def test_test_rule_points_at_the_error_in_a_query(stored_world: Path, capsys) -> None:
    code = main(["test-rule", "trial", "--query", "troops AND (", "--config", str(stored_world)])
    assert code == 2
    err = capsys.readouterr().err
    assert "troops AND (" in err
    assert "^" in err


def test_test_rule_suggests_the_nearest_rule_name(stored_world: Path, capsys) -> None:
    assert main(["test-rule", "central-asia-bordr", "--config", str(stored_world)]) == 2
    assert "did you mean 'central-asia-border'" in capsys.readouterr().err


def test_match_explains_every_rule_for_one_page(tmp_path: Path, capsys) -> None:
    config = write_config(tmp_path, "https://example.org/feed.xml")
    page = tmp_path / "page.html"
    page.write_bytes(article_page(STORIES[0]))

    assert main(["match", str(page), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"title: {BORDER_TITLE}" in out
    assert "rule central-asia-border: MATCHED" in out
    assert "rule sport: not matched" in out


def test_match_fetches_a_url(tmp_path: Path, http_server: HttpServer, capsys) -> None:
    serve_news_world(http_server)
    config = write_config(tmp_path, "https://example.org/feed.xml")
    url = http_server.url("/news/pamir-cup?utm_source=rss")

    assert main(["match", url, "--rule", "sport", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"title: {FOOTBALL_TITLE}" in out
    assert "rule sport: MATCHED" in out
    assert "central-asia-border" not in out


RUSSIAN_RULES = """
rules:
  - name: tajik-border
    query: 'Таджикистан AND (граница OR =США OR Россия* OR "российских войск")'
    keywords: [Москва]
"""


def test_check_hints_that_a_russian_word_needs_its_prefix_form(tmp_path: Path, capsys) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n"
        "sources:\n  - name: asia\n    url: https://example.org/feed.xml\n"
        "channels:\n  log:\n    type: console\n" + RUSSIAN_RULES
    )
    assert main(["check", "--config", str(path)]) == 0
    hints = capsys.readouterr().out.split("hints:\n")[1].splitlines()
    suggested = sorted(line.split("write ")[1].split("*")[0] for line in hints)
    # Not США (exact case), Россия* (a prefix already) or the phrase (no prefix fixes it).
    assert suggested == ["Москв", "Таджикистан", "границ"]
    assert all(line.startswith("  rule tajik-border: '") for line in hints)


@pytest.mark.parametrize(
    ("written", "hinted"), [("Таджикистан", "Таджикистан*"), ("Москва", "Москв*")]
)
def test_the_hinted_prefix_form_matches_what_the_written_word_misses(
    written: str, hinted: str
) -> None:
    text = "Переговоры в Таджикистане и в Москве о границе."
    document = Document(title="Новости", text=text)
    as_written = compile_rules([RuleSpec("r", query=written)])
    as_hinted = compile_rules([RuleSpec("r", query=hinted)])
    assert as_written.match(document) == []
    assert [match.rule for match in as_hinted.match(document)] == ["r"]
