"""The registry: one line per connector. Adding a connector = one folder + one line here."""

from __future__ import annotations

from ..connector import Connector
from .linkedin_ads import CONNECTOR as LINKEDIN_ADS
from .tiktok_marketing import CONNECTOR as TIKTOK_MARKETING

REGISTRY: dict[str, Connector] = {c.id: c for c in (LINKEDIN_ADS, TIKTOK_MARKETING)}
