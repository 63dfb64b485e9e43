"""Reading a clinic file: YAML or TOML into a dict, with the usual slips put in words.

A file that cannot be read raises :class:`ClinicError` with the message for the user: not
UTF-8, empty, not a mapping, a field given twice, a value whose ': ' YAML cannot read,
or a line YAML read as a mapping (``- Monday: 8 am``), each with the fix.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os
    from collections.abc import Container
    from typing import Any


class ClinicError(Exception):
    """A clinic file that cannot be built; ``problems`` are the messages for the user."""

    def __init__(self, path, problems, slug=None):
        self.path = Path(path)
        self.problems = list(problems)
        self.slug = slug   # when known, an older edition under this name is removed
        super().__init__("\n".join(f"{path}: {p}" for p in self.problems))


def _yaml_load(text, text_fields):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the field {key!r} is given twice; keep one", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    # yaml.load(), keeping the node tree: its line numbers and source text name the slips.
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _mapping_slips(node, text, text_fields)


def _quoted(text):
    return json.dumps(text, ensure_ascii=False)   # a valid YAML double-quoted string


def _mapping_slips(root, text, text_fields):
    """{field: problem} for text read as a mapping because of an unquoted ': ' in it.

    ``- Monday: 8 am to 5 pm`` under ``hours:`` is the usual case: YAML reads the line as
    a field "Monday" with the value "8 am to 5 pm", and the times may even turn into
    numbers (8:00 is 480 in YAML 1.1), so the message quotes the line as written.
    """
    import yaml

    slips = {}
    if not isinstance(root, yaml.MappingNode):
        return slips
    for key_node, value in root.value:
        field = key_node.value
        if field not in text_fields or field in slips:
            continue
        in_list = isinstance(value, yaml.SequenceNode)
        for item in value.value if in_list else [value]:
            if not isinstance(item, yaml.MappingNode) or not item.value:
                continue
            start = item.start_mark
            if item.flow_style:
                end = item.end_mark.index
            else:   # the pairs on the first line, without a comment after them
                end = max(node.end_mark.index for pair in item.value for node in pair
                          if node.end_mark.line == start.line)
            written = text[start.index:end].strip()
            fix = (f"put the line in quotes: - {_quoted(written)}" if in_list
                   else f"put the value in quotes: {field}: {_quoted(written)}")
            slips[field] = (f"line {start.line + 1}: {field}: '{written}' was read as a "
                            f"mapping, because of the ': ' in it. Fix: {fix}")
            break
    return slips


def _colon_in_value(text, mark):
    """The fix for PyYAML's "mapping values are not allowed here" on a one-line value
    (``phone: Call: 555``), or None when the line is not that simple."""
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines):
        return None
    written = re.sub(r"\s+#.*$", "", lines[mark.line]).strip()
    where = f"line {mark.line + 1}: "
    if written.startswith("- "):
        item = written[2:].strip()
        field = next((m.group(1) for line in reversed(lines[:mark.line])
                      if (m := re.match(r"^([A-Za-z_][\w-]*):", line))), None)
        return (where + (f"{field}: " if field else "") + f"'{item}' has ': ' inside it, so "
                f"YAML cannot read it. Fix: put the line in quotes: - {_quoted(item)}")
    match = re.match(r"^([A-Za-z_][\w-]*):\s+(.+)$", written)
    if not match:
        return None
    field, value = match.groups()
    return (where + f"{field}: '{value}' has ': ' inside its value, so YAML cannot read it. "
            f"Fix: put the value in quotes: {field}: {_quoted(value)}")


def read(path: str | os.PathLike[str],
         text_fields: Container[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the clinic file as a dict, {field: problem} for text read as a mapping, among
    ``text_fields``)."""
    path = Path(path)
    slips = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ClinicError(path, ["the file is not UTF-8 text; save it as UTF-8"]) from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ClinicError(path, [f"this is not valid TOML ({exc}); compare it with "
                                     "the example in the README"]) from None
    else:
        import yaml

        try:
            data, slips = _yaml_load(text, text_fields)
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            if getattr(exc, "problem", None) == "mapping values are not allowed here":
                fix = _colon_in_value(text, where)
                if fix:
                    raise ClinicError(path, [fix]) from None
            line = f" at line {where.line + 1}" if where else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise ClinicError(path, [
                f"this is not valid YAML{line}: {problem}. Fix: write one 'field: value' per "
                "line, quote values that contain ':' or '#', and indent lists with '- '; "
                "compare it with clinics/example-clinic.yaml"]) from None
    if data is None:
        raise ClinicError(path, ["the file is empty; copy clinics/example-clinic.yaml and "
                                 "fill it in"])
    if not isinstance(data, dict):
        raise ClinicError(path, ["the file must be a list of 'field: value' lines (name:, "
                                 "address:, phone:, web:), not a single value or a list"])
    return data, slips
