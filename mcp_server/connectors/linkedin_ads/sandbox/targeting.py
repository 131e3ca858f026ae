"""The fake's adTargetingEntities `q=urns` finder: names for the member URNs its analytics pivot on.

Its own table (not the client's): countries of the markets, the regions, companies, industries, job
functions, titles and seniorities that analytics.py splits delivery over. As LinkedIn: an unknown URN is
left out of `elements` (not an error), and without `queryVersion=QUERY_USES_URNS` the answer uses the
legacy shape (`value` instead of `urn`), so a client that forgets it cannot map names back.
"""

from __future__ import annotations

from typing import Any

from .data import Data, urn
from .rules import BadParam
from .templates import GEO

_COUNTRIES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France", "CA": "Canada",
              "NL": "Netherlands", "CH": "Switzerland", "AU": "Australia"}  # fmt: skip
_REGIONS = ("New York City Metropolitan Area", "San Francisco Bay Area", "Greater London", "Greater Chicago Area",
            "Greater Boston", "Toronto, Ontario, Canada", "Greater Seattle Area", "Berlin Metropolitan Area",
            "Île-de-France", "Greater Sydney Area", "Amsterdam Area", "Zürich Area")  # fmt: skip
_COMPANIES = ("Contoso Ltd", "Fabrikam, Inc.", "Northwind Traders", "Adventure Works Cycles", "Tailspin Toys",
              "Wide World Importers", "Litware, Inc.", "Proseware, Inc.", "Woodgrove Bank", "Alpine Ski House")  # fmt: skip
_INDUSTRIES = {4: "Software Development", 96: "IT Services and IT Consulting", 6: "Technology, Information and Internet",
               43: "Financial Services", 80: "Advertising Services", 41: "Banking", 27: "Retail",
               14: "Hospitals and Health Care"}  # fmt: skip
_FUNCTIONS = {8: "Engineering", 13: "Information Technology", 25: "Sales", 15: "Marketing", 18: "Operations",
              4: "Business Development", 19: "Product Management", 10: "Finance", 12: "Human Resources", 6: "Consulting"}  # fmt: skip
_TITLES = {1: "Software Engineer", 9: "Marketing Manager", 25: "Chief Financial Officer", 39: "Data Analyst",
           104: "IT Director", 153: "Head of Growth", 352: "Account Executive", 1586: "Procurement Manager"}  # fmt: skip
_SENIORITIES = {3: "Entry", 4: "Senior", 5: "Manager", 6: "Director", 7: "VP", 8: "CXO", 10: "Owner"}

# URN → (name, facet)
ENTITIES: dict[str, tuple[str, str]] = {
    **{urn("geo", GEO[code]): (name, "locations") for code, name in _COUNTRIES.items()},
    **{urn("geo", 90000000 + i): (name, "locations") for i, name in enumerate(_REGIONS)},
    **{urn("organization", 1000 + i): (name, "employers") for i, name in enumerate(_COMPANIES)},
    **{urn("industry", i): (name, "industries") for i, name in _INDUSTRIES.items()},
    **{urn("function", i): (name, "jobFunctions") for i, name in _FUNCTIONS.items()},
    **{urn("title", i): (name, "titles") for i, name in _TITLES.items()},
    **{urn("seniority", i): (name, "seniorities") for i, name in _SENIORITIES.items()},
}


def ad_targeting_entities(data: Data, query: dict[str, Any], request: Any) -> Any:
    if query.get("q") != "urns":
        raise BadParam("q", "The fake serves only the urns finder of adTargetingEntities")
    urns = query.get("urns")
    if not isinstance(urns, list) or not urns:
        raise BadParam("urns", "urns must be List(<encoded URNs>)")
    key = "urn" if query.get("queryVersion") == "QUERY_USES_URNS" else "value"
    elements = [
        {key: u, "name": ENTITIES[u][0], "facetUrn": f"urn:li:adTargetingFacet:{ENTITIES[u][1]}"}
        for u in urns
        if u in ENTITIES
    ]
    return {"elements": elements, "paging": {"start": 0, "count": len(elements), "links": []}}
