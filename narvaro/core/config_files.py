"""Reading one process file's YAML into its model, with errors a non-programmer can act on: the file, the line and
the key, and what is wrong. Used for data/*.yaml at start-up, for a process imported on the command line and for the
versions kept in the database (narvaro.core.versions), so all three are checked the same way. Kept apart from
narvaro.core.config so that module stays small; config imports it, never the other way."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from narvaro.core.errors import ConfigError


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walk the composed YAML tree along a pydantic error location to find its line (1-based)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def load_text(text: str, where: str, model: type[BaseModel]) -> BaseModel:
    """One file's YAML text validated against its model; a ConfigError names `where`, the line and the key."""
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", rad {mark.line + 1}" if mark else ""
        raise ConfigError(f"{where}{at}: filen är inte giltig YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: filen ska innehålla nycklar och värden, inte {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(p) for p in loc) or "(filen)"
            line = _line_of(node, loc)
            at = f"rad {line}, " if line else ""
            lines.append(f"{where}: {at}nyckel {key}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None


def load_file(path: Path, model: type[BaseModel]) -> BaseModel:
    """One data file validated against its model; a ConfigError names the file, line and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: filen saknas") from None
    return load_text(text, str(path), model)
