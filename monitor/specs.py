"""Turn a Config into what each stage takes: rule specs with resolved regions, source specs.

The stages know nothing of rules.yaml; this is the one place that translates it.
"""

from __future__ import annotations

from monitor.config import Config
from monitor.geo import resolve_region
from monitor.rules import RegionSpec, RuleSpec
from monitor.store import SourceSpec


def rule_specs(config: Config) -> list[RuleSpec]:
    """Rules as the matcher takes them, with region names resolved to places."""
    return [
        RuleSpec(
            name=rule.name,
            query=rule.query,
            keywords=tuple(rule.keywords),
            regions=tuple(region_spec(name, config) for name in rule.regions),
            region_min_score=rule.region_min_score,
            sources=frozenset(rule.sources) if rule.sources is not None else None,
            languages=frozenset(rule.languages) if rule.languages is not None else None,
        )
        for rule in config.rules
    ]


def region_spec(name: str, config: Config) -> RegionSpec:
    resolved = resolve_region(name, config.regions)
    return RegionSpec(resolved.name, resolved.countries, resolved.subdivisions)


def source_specs(config: Config) -> list[SourceSpec]:
    """Sources as the store keeps them, each with its effective poll interval."""
    return [
        SourceSpec(s.name, s.url, s.kind, s.effective_interval(config.defaults))
        for s in config.sources
    ]
