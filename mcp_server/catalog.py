"""Catalog types: the single source of truth for a connector's surface.

A connector declares its entities, their actions and each action's params as
a pydantic model. The tool schema, the description, the resources, `describe`,
validation and dispatch are all derived from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Pagination = Literal["page", "cursor", "offset", "none"]

PAGINATION_TEXT: dict[str, str] = {
    "page": "vendor pages by number; use limit/cursor",
    "cursor": "vendor page tokens; use limit/cursor",
    "offset": "vendor start/count offsets; use limit/cursor",
    "none": "single response; limit/cursor slice it",
}


def _without_titles(schema: Any) -> Any:
    """Pydantic's auto titles ("Pagesize") repeat the property names; dropping them saves the agent ~10%."""
    if isinstance(schema, dict):
        return {k: _without_titles(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_without_titles(v) for v in schema]
    return schema


def compact_schema(schema: Any) -> Any:
    """The same JSON Schema in fewer bytes of the agent's context: no titles; an optional property's
    `null` variant and `default: null` dropped (leaving it out already means null); a one-variant anyOf
    inlined, and variants that differ only in type merged into a type list."""
    if isinstance(schema, list):
        return [compact_schema(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: compact_schema(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    variants = out.get("anyOf")
    if isinstance(variants, list) and {"type": "null"} in variants and out.get("default", None) is None:
        variants = [v for v in variants if v != {"type": "null"}]
        out.pop("default", None)
    if isinstance(variants, list):
        variants = [{k: v for k, v in variant.items() if (k, v) != ("additionalProperties", True)} for variant in variants]
        if len(variants) == 1:
            del out["anyOf"]
            out = {**variants[0], **out}
        elif all(set(v) == {"type"} and isinstance(v["type"], str) for v in variants):
            del out["anyOf"]
            out["type"] = [v["type"] for v in variants]
        else:
            out["anyOf"] = variants
    return out


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    params: type[BaseModel]  # or `connector.deferred(module, name)` of one: the model is built at its first use
    pagination: Pagination = "none"
    fields: tuple[str, ...] = ()
    max_page_size: int | None = None
    notes: str = ""
    # For single-response actions (reports without vendor paging): the record fields that order the
    # result. The executor sorts by them and a cursor resumes after the last key returned, so a
    # re-run report continues where it stopped even if rows were added or removed meanwhile.
    resume_key: tuple[str, ...] = ()
    # What a person scanning Campaign Manager / Ads Manager looks at: returned when the call names no
    # `fields` (dot paths allowed); `fields: ["*"]` returns the whole vendor record. Empty = whole record.
    default_fields: tuple[str, ...] = ()
    # A write action: a call previews (reads and answers a plan with a change_id, never writes); the
    # connector's `writes.py` declares how (mcp_server/changes/spec.py), apply_change applies it.
    write: bool = False

    def document(self) -> dict[str, Any]:
        schema = _without_titles(self.params.model_json_schema())
        properties = schema.get("properties", {})
        if self.write:
            return {
                "summary": self.summary,
                "write": True,
                "params_schema": schema,
                "required": list(schema.get("required", [])),
                **({"notes": self.notes} if self.notes else {}),
            }
        return {
            "summary": self.summary,
            "params_schema": schema,
            "required": list(schema.get("required", [])),
            "defaults": {
                name: prop["default"] for name, prop in properties.items() if "default" in prop
            },
            "pagination": self.pagination,
            "max_page_size": self.max_page_size,
            # Returned when a call names no fields; `fields` lists the main ones a call can name.
            **({"default_fields": list(self.default_fields)} if self.default_fields else {}),
            "fields": list(self.fields),
            **({"notes": self.notes} if self.notes else {}),
        }


@dataclass(frozen=True)
class Entity:
    name: str
    summary: str
    actions: dict[str, Action] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "entity": self.name,
            "summary": self.summary,
            "actions": {name: action.document() for name, action in self.actions.items()},
        }


def entity(name: str, summary: str, *actions: Action) -> Entity:
    return Entity(name=name, summary=summary, actions={a.name: a for a in actions})


@dataclass(frozen=True)
class Catalog:
    entities: dict[str, Entity]

    @classmethod
    def of(cls, *entities: Entity) -> Catalog:
        return cls(entities={e.name: e for e in entities})

    @property
    def action_names(self) -> list[str]:
        names = {a for e in self.entities.values() for a in e.actions}
        return sorted(names, key=lambda n: (n != "list", n))

    def overview(self) -> dict[str, dict[str, str]]:
        return {
            e.name: {a.name: a.summary for a in e.actions.values()}
            for e in self.entities.values()
        }
