"""A small JSON Schema checker: the same schemas the OpenAPI document publishes decide what a
request may contain, so the document and the checks cannot drift apart.

Supports what the API's request schemas use (SUPPORTED; a test keeps it so): type (with
"null"), properties, required, additionalProperties, maxProperties, enum, minimum/maximum,
minLength/maxLength, pattern, format "date", items, minItems/maxItems, uniqueItems and local
$ref. Errors come back as {"field.path": message} in the request's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SUPPORTED = frozenset({
    "type", "properties", "required", "additionalProperties", "maxProperties", "enum",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "items", "minItems",
    "maxItems", "uniqueItems", "$ref", "default", "description",
})


class SchemaChecker:
    """Checks values against schemas whose $refs point into `components`."""

    def __init__(self, components: Mapping[str, dict]):
        self.components = components

    def errors(self, value: Any, schema: dict, path: str = "") -> dict[str, str]:
        """Every problem with `value` (empty when it is valid)."""
        found: dict[str, str] = {}
        self._check(value, self._resolve(schema), path, found)
        return found

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _check(self, value: Any, schema: dict, path: str, found: dict[str, str]) -> None:
        types = schema.get("type")
        types = [types] if isinstance(types, str) else types
        if types and not any(TYPES[t](value) for t in types):
            found[path or "body"] = _type_message(types)
            return
        if "enum" in schema and value not in schema["enum"]:
            found[path or "body"] = _("Ugyldig verdi. Gyldige verdier: %(values)s.",
                                      values=", ".join(str(v) for v in schema["enum"]))
            return
        if isinstance(value, dict):
            self._object(value, schema, path, found)
        elif isinstance(value, list):
            self._array(value, schema, path, found)
        elif problem := _scalar(value, schema):
            found[path or "body"] = problem

    def _object(self, value: dict, schema: dict, path: str, found: dict[str, str]) -> None:
        properties = schema.get("properties", {})
        if len(value) > schema.get("maxProperties", len(value)):
            found[path or "body"] = _("Høyst %(n)s felt.", n=schema["maxProperties"])
        for name in schema.get("required", ()):
            if name not in value:
                found[_join(path, name)] = _("Feltet må fylles ut.")
        extra = schema.get("additionalProperties", True)
        required = set(schema.get("required", ()))
        for name, item in value.items():
            if name in properties:
                resolved = self._resolve(properties[name])
                if item is None and name in required and not _allows_null(resolved):
                    found[_join(path, name)] = _("Feltet må fylles ut.")  # null is not a value
                    continue
                self._check(item, resolved, _join(path, name), found)
            elif extra is False:
                found[_join(path, name)] = _("Ukjent felt.")
            elif isinstance(extra, dict):
                self._check(item, self._resolve(extra), _join(path, name), found)

    def _array(self, value: list, schema: dict, path: str, found: dict[str, str]) -> None:
        if len(value) < schema.get("minItems", 0):
            found[path or "body"] = _("Velg minst %(n)s.", n=schema["minItems"])
        elif "maxItems" in schema and len(value) > schema["maxItems"]:
            found[path or "body"] = _("Høyst %(n)s verdier.", n=schema["maxItems"])
        elif schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            found[path or "body"] = _("Samme verdi står flere ganger.")
        items = schema.get("items")
        if items:
            for index, item in enumerate(value):
                self._check(item, self._resolve(items), f"{path}[{index}]", found)


def _allows_null(schema: dict) -> bool:
    types = schema.get("type", [])
    types = types if isinstance(types, list) else [types]
    return "null" in types or bool(schema.get("nullable", False))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _type_message(types: list[str]) -> str:
    wanted = [t for t in types if t != "null"]
    messages = {"integer": _("Må være et helt tall."), "string": _("Må være tekst."),
                "boolean": _("Må være true eller false."), "array": _("Må være en liste."),
                "object": _("Må være et objekt.")}
    return messages.get(wanted[0], _("Ugyldig verdi.")) if wanted else _("Må være null.")


def _string(value: str, schema: dict) -> str | None:
    if "\x00" in value or not _encodable(value):
        return _("Teksten inneholder ugyldige tegn.")
    if len(value) < schema.get("minLength", 0):
        return _("Feltet må fylles ut.")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return _("Høyst %(n)s tegn.", n=schema["maxLength"])
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return _("Ugyldig format.")
    if schema.get("format") == "date" and not _is_date(value):
        return _("Oppgi en dato som ÅÅÅÅ-MM-DD.")
    return None


def _scalar(value: Any, schema: dict) -> str | None:
    if isinstance(value, str):
        return _string(value, schema)
    if isinstance(value, int) and not isinstance(value, bool):
        return _integer(value, schema)
    return None


def _integer(value: int, schema: dict) -> str | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and value < low:
        return _("Oppgi et tall som er %(low)s eller mer.", low=low)
    if high is not None and value > high:
        return _("Oppgi et tall som er %(high)s eller mindre.", high=high)
    return None


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes
        return False
    return True


def _is_date(value: str) -> bool:
    if not DATE_PATTERN.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
