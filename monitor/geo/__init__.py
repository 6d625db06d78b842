"""Know which places an article is about: offline gazetteer, tagger and named regions.

Text in, places out: no I/O beyond reading the data file shipped in the
package. `tag_places` finds countries and subdivisions with the mentions
behind them; `resolve_region` turns a rules.yaml region name into the codes
it covers.
"""

from __future__ import annotations

from monitor.geo.disambiguate import resolve
from monitor.geo.gazetteer import Gazetteer
from monitor.geo.regions import ResolvedRegion, UnknownRegionError, resolve_region
from monitor.geo.scoring import build_tags
from monitor.geo.tagger import find_matches
from monitor.geo.tags import CountryTag, GeoTags, Mention, SubdivisionTag

__all__ = [
    "CountryTag",
    "Gazetteer",
    "GeoTags",
    "Mention",
    "ResolvedRegion",
    "SubdivisionTag",
    "UnknownRegionError",
    "resolve_region",
    "tag_places",
]


def tag_places(gazetteer: Gazetteer, title: str, text: str) -> GeoTags:
    """The countries, subdivisions and place mentions of one article (pure)."""
    matches = find_matches(gazetteer, title, "title") + find_matches(gazetteer, text, "text")
    return build_tags(gazetteer, text, resolve(gazetteer, matches))
