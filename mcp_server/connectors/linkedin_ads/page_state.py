"""The page states LinkedIn's backends make, checked with the params' own rules when a cursor brings one back.

pagination.py makes them, for direct and hosted mode alike: {"pageToken"} for cursor finders (the token
LinkedIn's metadata.nextPageToken gave), {"start"} for offset finders. Analytics re-run in full and resume
by key, and gets are one record: those carry no state.
"""

from __future__ import annotations

from ...backends.base import PageRequest
from ...page_state import as_params, keys, refuse
from .catalog import CATALOG


def check(request: PageRequest) -> None:
    state = request.state or {}
    pagination = CATALOG.entities[request.entity].actions[request.action].pagination
    if pagination == "cursor":
        keys(state, ("pageToken",))
        if not state["pageToken"]:
            refuse("holds an empty pageToken")
        as_params(request.params, pageToken=state["pageToken"])
    elif pagination == "offset":
        keys(state, ("start",))
        as_params(request.params, start=state["start"])
    else:
        refuse(f"is given to {request.entity}.{request.action}, which has no pages")
