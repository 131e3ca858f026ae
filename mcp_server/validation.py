"""Turn raw tool arguments into a validated call, or an InvalidParams that names the fix.

Nothing here talks to a vendor: bad input stops before any request.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalog import Action, Catalog
from .errors import InvalidParams
from .params import is_digits

DEFAULT_LIMIT = 25
MAX_LIMIT = 1000


@dataclass
class Call:
    entity: str
    action: Action
    params: BaseModel
    fields: list[str] | None
    limit: int


def choices(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    return f"{hint}Use one of: {', '.join(options)}."


def resolve_action(catalog: Catalog, entity: Any, action: Any) -> tuple[str, Action]:
    entities = list(catalog.entities)
    if not isinstance(entity, str) or entity not in catalog.entities:
        raise InvalidParams(f"unknown entity {entity!r}.", fix=choices(str(entity), entities))
    actions = catalog.entities[entity].actions
    if not isinstance(action, str) or action not in actions:
        raise InvalidParams(
            f"entity '{entity}' has no action {action!r}.", fix=choices(str(action), list(actions))
        )
    return entity, actions[action]


def parse_params(raw: Any) -> dict[str, Any]:
    """params may be an object, a JSON string of one (some clients send strings), or absent."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidParams(
                f"params is a string but not valid JSON ({exc.msg} at char {exc.pos}).",
                fix='Send params as a JSON object, e.g. {"advertiser_id": "123"}.',
            ) from None
        except (RecursionError, ValueError):  # nested ~1000 deep, or an integer over 4300 digits
            raise InvalidParams(
                "params is a JSON string too deeply nested or with too long a number to read.",
                fix='Send params as a flat JSON object, e.g. {"advertiser_id": "123"}.',
            ) from None
    if not isinstance(raw, dict):
        raise InvalidParams(
            f"params must be a JSON object, got {type(raw).__name__}.",
            fix='Send params as a JSON object, e.g. {"advertiser_id": "123"}.',
        )
    return raw


def _describe_error(err: dict[str, Any], valid: list[str], owner: str, within: str | None, noun: str) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    name = (f"{within}.{loc}" if within else loc) if loc else (within or "arguments")
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(loc, valid, n=1) if len(err["loc"]) == 1 else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{name} is not a{'n' if noun[0] in 'aeiou' else ''} {noun} of {owner}{hint} (valid: {', '.join(valid) or 'none'})"
    if err["type"] == "missing":
        return f"{name} is required"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    given = err.get("input")
    shown = json.dumps(given, default=str)[:80] if given is not None and not isinstance(given, dict) else None
    return f"{name}: {message}" + (f" (got {shown})" if shown else "")


def describe_problems(
    exc: ValidationError, valid: list[str], owner: str, *, within: str | None = "params", noun: str = "parameter"
) -> str:
    """pydantic's errors as one sentence an agent can act on: each names the argument (under `within`:
    params.x), an unknown one gets a did-you-mean among `valid`; at most five."""
    problems = [_describe_error(e, valid, owner, within, noun) for e in exc.errors(include_url=False)]
    return "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "") + "."


def validate_params(entity: str, action: Action, raw: dict[str, Any]) -> BaseModel:
    try:
        return action.params.model_validate(raw)
    except ValidationError as exc:
        label = f"{entity}.{action.name}"
        raise InvalidParams(
            describe_problems(exc, list(action.params.model_fields), label),
            fix=f"Correct the params above; `describe` shows the params of {label}.",
        ) from None


def parse_fields(raw: Any) -> list[str] | None:
    if raw is None or raw == "" or raw == []:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as are 4300+ digit integers
                raise InvalidParams("fields is not a valid JSON array.", fix='Send e.g. ["id","name"] or "id,name".') from None
        else:
            raw = [f.strip() for f in text.split(",") if f.strip()]
    if not isinstance(raw, list) or not all(isinstance(f, str) and f for f in raw):
        raise InvalidParams("fields must be a list of field names.", fix='Send e.g. ["id","name"] or "id,name".')
    return raw


def parse_limit(raw: Any) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if isinstance(raw, str) and is_digits(raw.strip(), 6):  # ASCII: int("²") raises, int("١٢") is 12
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise InvalidParams(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}.",
            fix=f"Pass a limit from 1 to {MAX_LIMIT}, or leave it out for {DEFAULT_LIMIT}.",
        )
    if raw > MAX_LIMIT:
        raise InvalidParams(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}.",
            fix=f"Use a limit of at most {MAX_LIMIT} and follow next_cursor for more.",
        )
    return raw
