"""Strict YAML reading for hand-edited files.

PyYAML follows YAML 1.1, which reads an unquoted ``17:30`` as the base-60 integer
1050 and silently keeps the last of two duplicate keys. Planners type clock times
and copy-paste blocks, so this loader reads ``17:30`` as text and rejects duplicates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, ScenarioError
from .textfile import read_text

# Numbers as YAML 1.2 writes them: no ``1_000`` (YAML 1.1 reads it as 1000: a typo
# for 1,000 or 10 should not pass), no base 60, no octal ``010``.
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# YAML 1.1 reads ``010`` as octal 8 and ``05`` as 5; neither is what a planner meant
# by a leading zero, so such a value is an error with a hint (quote it for text).
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")  # not yes/no/on/off (YAML 1.2)
LEADING_ZERO_TAG = "tag:servicehall,2026:leading-zero"


class TooManyValues(yaml.YAMLError):
    """A document with more values than a loader's *max_nodes* (raised while composing it)."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without sexagesimal numbers, with duplicate-key detection, and stopping
    once the document has more than *max_nodes* values (composing is slow: about 60 us a value)."""

    max_nodes = 10**9
    _nodes = 0

    def compose_node(self, parent, index):
        if not self.check_event(yaml.AliasEvent):
            self._nodes += 1
            if self._nodes > self.max_nodes:
                raise TooManyValues()
        return super().compose_node(parent, index)


_REPLACED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
StrictLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(LEADING_ZERO_TAG, _LEADING_ZERO, list("-+0"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _leading_zero(loader: StrictLoader, node: yaml.ScalarNode):
    text = node.value
    plain = text.lstrip("+-").lstrip("0").replace("_", "") or "0"
    raise yaml.constructor.ConstructorError(
        None, None, f"number {text!r} has a leading zero (YAML 1.1 would read it as octal); "
        f"write {plain} for the number, or quote it for text", node.start_mark)


def _int(loader: StrictLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node))


def _float(loader: StrictLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node)
    lower = text.lower()
    if lower.endswith(".inf"):
        return float("-inf") if lower.startswith("-") else float("inf")
    if lower == ".nan":
        return float("nan")
    return float(text)


StrictLoader.add_constructor(LEADING_ZERO_TAG, _leading_zero)
StrictLoader.add_constructor("tag:yaml.org,2002:int", _int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", _float)


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {line})", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


MAX_NODES = 200_000
"""Largest YAML document after expanding aliases (the reference hall has about 3,000 nodes)."""


def _expanded_size(node: yaml.Node, budget: int) -> int:
    """Nodes of *node* with every alias expanded, stopping once over *budget*; -1 for a cycle."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            return -1
        active.add(key)
        total = 1
        if isinstance(n, yaml.SequenceNode):
            children = n.value
        elif isinstance(n, yaml.MappingNode):
            children = [x for pair in n.value for x in pair]
        else:
            children = []
        for child in children:
            sub = size(child)
            if sub < 0:
                return -1
            total += sub
            if total > budget:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(node)


MAX_FLOW_DEPTH = 64
"""Deepest nesting of ``[...]`` / ``{...}`` read: PyYAML's scanner slows down with the
square of the depth (a 10 kB file of brackets took seconds before its error)."""

_FLOW_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|(?:^|(?<=\s))#[^\n]*|[\[\]{}]""", re.MULTILINE)


def _flow_too_deep(text: str, limit: int = MAX_FLOW_DEPTH) -> bool:
    """Whether brackets outside quotes and comments nest deeper than *limit* (a quick scan)."""
    depth = 0
    for match in _FLOW_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth = max(0, depth - 1)
    return False


def parse_yaml(text: str, label: str, error: type[InputError] = ScenarioError, max_nodes: int = MAX_NODES) -> Any:
    """One YAML document from *text* by the strict loader; anchors and aliases may share
    blocks but not expand the document beyond *max_nodes* (no "billion laughs")."""
    if _flow_too_deep(text):
        raise error(label, "", f"nested too deeply (more than {MAX_FLOW_DEPTH} levels of [ ] or {{ }})")
    loader = StrictLoader(text)
    loader.max_nodes = max_nodes
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(label, "", "file is empty")
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, 10_000))
        try:
            size = _expanded_size(node, max_nodes)
        finally:
            sys.setrecursionlimit(old_limit)
        if size < 0:
            raise error(label, "", "an alias refers to the block that contains it (a cycle)")
        if size > max_nodes:
            raise error(label, "", f"aliases expand the document beyond {max_nodes:,} values; "
                                   "write the blocks out or use fewer nested aliases")
        data = loader.construct_document(node)
    except TooManyValues:
        raise error(label, "", f"more than {max_nodes:,} values, far more than a hall needs; split the file or "
                               "write long lists shorter") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(label, "", f"malformed YAML{where}: {problem}") from None
    except RecursionError:
        raise error(label, "", "nested too deeply") from None
    finally:
        loader.dispose()
    if data is None:
        raise error(label, "", "file is empty")
    return data


def read_yaml(path: str | Path, error: type[InputError] = ScenarioError) -> Any:
    """Read one YAML document from *path*; raise *error* (an InputError class) for a
    missing or irregular file, unreadable or malformed YAML, or an empty document."""
    return parse_yaml(read_text(path, error), str(Path(path)), error)


class _ReadableDumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaves: a list of numbers on one line, a
    mapping of plain values as ``{id: tax, windows: 8}`` - the way scenario files are written by hand."""


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _represent_list(dumper: _ReadableDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(_is_leaf(v) for v in data))


def _represent_dict(dumper: _ReadableDumper, data: dict) -> yaml.Node:
    flat = all(_is_leaf(v) or (isinstance(v, list) and all(_is_leaf(x) for x in v)) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                    flow_style=flat and len(data) <= 12 and len(str(data)) <= 160)


_ReadableDumper.add_representer(list, _represent_list)
_ReadableDumper.add_representer(dict, _represent_dict)


def dump_yaml(data: Any) -> str:
    """*data* as YAML a person can read and edit (keys in order, Chinese kept, small leaves inline)."""
    return yaml.dump(data, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=120)
