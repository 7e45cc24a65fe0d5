"""A readable diff between two versions of the process, for the team leader and the audit log.

Lists of things with a `key` (steps, checklist items, closure reasons, interventions, surveys, questions) are matched
by key, so a rename reads as a rename ("label: 'A' → 'B'"), not as one thing removed and another added.
"""
from __future__ import annotations

from typing import Any

import yaml

from narvaro.core.config import FILE_NAMES

ARROW = " → "


def _short(value: Any) -> str:
    if isinstance(value, dict):
        name = value.get("label") or value.get("name") or value.get("text") or value.get("key")
        return repr(name) if name is not None else "{…}"
    if isinstance(value, list):
        return f"lista med {len(value)}"
    return repr(value)


def _ident(item: Any) -> Any:
    if isinstance(item, dict):
        return item.get("key") or item.get("label") or item.get("name")
    return None


def _diff(a: Any, b: Any, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in [*a, *[k for k in b if k not in a]]:
            where = f"{path} › {k}"
            if k not in b:
                out.append(f"Borttaget {where}: {_short(a[k])}")
            elif k not in a:
                out.append(f"Tillagt {where}: {_short(b[k])}")
            else:
                _diff(a[k], b[k], where, out)
    elif isinstance(a, list) and isinstance(b, list):
        ids_a, ids_b = [_ident(x) for x in a], [_ident(x) for x in b]
        if all(i is not None for i in ids_a + ids_b) and len(set(ids_a)) == len(a) and len(set(ids_b)) == len(b):
            old, new = dict(zip(ids_a, a)), dict(zip(ids_b, b))
            for i in ids_a:
                if i not in new:
                    out.append(f"Borttaget {path}: {_short(old[i])}")
                else:
                    _diff(old[i], new[i], f"{path} › {i}", out)
            out += [f"Tillagt {path}: {_short(new[i])}" for i in ids_b if i not in old]
            kept_a, kept_b = [i for i in ids_a if i in new], [i for i in ids_b if i in old]
        elif all(not isinstance(x, (dict, list)) for x in a + b):
            out += [f"Borttaget {path}: {x!r}" for x in a if x not in b]
            out += [f"Tillagt {path}: {x!r}" for x in b if x not in a]
            kept_a, kept_b = [x for x in a if x in b], [x for x in b if x in a]
        else:
            if a != b:
                out.append(f"Ändrat {path}")
            return
        if kept_a != kept_b:
            out.append(f"Ny ordning i {path}")
    elif a != b:
        out.append(f"Ändrat {path}: {_short(a)}{ARROW}{_short(b)}")


def diff(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """The changes from the files `old` to the files `new` (YAML texts by file name), one line each."""
    out: list[str] = []
    for name in FILE_NAMES:
        a = yaml.safe_load(old.get(name) or "") or {}
        b = yaml.safe_load(new.get(name) or "") or {}
        _diff(a, b, f"{name}.yaml", out)
    return out
