"""WeasyPrint's page-number lookups without a third pagination pass.

Every page reference in the print document (the contents' page numbers, "(page 12)" after a
cross-reference) is a ``target-counter()``. WeasyPrint 70's ``compute_content_list``
(formatting_structure/build.py) collects, for each such box, the local counters its content
lacks and, per target, the target's counters it lacks; but for a target-counter it rebinds
its local list to the target's (``missing_counters = missing_target_counters.setdefault(...)``),
so every page reference also claims to use the local counter ``page``. During pagination that
claim makes ``make_page`` compare the whole of the page's counters with the ones it saw
before, and after the first pass those gain ``pages`` (the total): every page holding a page
reference is laid out a third time, to print the same text. On the book: 69 page layouts for
45 pages; with this module, 57 (measured with ``weasyprint.layout.page.remake_page``).

:func:`install` wraps ``TargetCollector.collect_missing_counters``: when the local list it is
given is one of the target lists (the rebinding), it is replaced by the counters the
content really uses and the box did not have, as WeasyPrint means to collect them
(``counter()`` and ``counters()`` not in the box's counter values). The target lists, which
make the second pass print the right numbers, are left as they are. The PDF is byte for
byte the same (tests/test_counters.py, on the book and on a document with forward and
backward references).

Measured on, and written for, WeasyPrint 70.0, pinned in requirements.txt;
tests/test_private_apis.py fails when another version is installed.
"""

from __future__ import annotations

import copy

# The private parts this module relies on were proven on these versions; tests/
# test_private_apis.py fails when another is installed, so they are checked again.
PROVEN_ON = {"weasyprint": "70.0"}


def _local(parent_box, css_token):
    """The counters a box's ``content`` uses that it did not have when it was built."""
    if css_token != "content":
        return []
    have = parent_box.cached_counter_values or {}
    found = []
    for type_, value in parent_box.style["content"] or ():
        if type_ in ("counter()", "counters()") and value[-1] != "none":
            if value[0] not in have and value[0] not in found:
                found.append(value[0])
    return found


def _anchor(anchor_token, box):
    """The anchor name a ``target-counter()`` points to, as ``lookup_target`` finds it."""
    from weasyprint.css.targets import anchor_name_from_token
    from weasyprint.urls import get_url_tuple

    if anchor_token[0] == "attr()":
        attr_name, type_, fallback = anchor_token[1]
        value = box.element.get(attr_name, fallback)
        if type_ == "string":
            anchor_token = ("string", value)
        elif type_ == "url":
            anchor_token = ("url", get_url_tuple(value, box.style.base_url))
    return anchor_name_from_token(anchor_token)


def _targets(collector, parent_box, css_token, missing_target_counters):
    """The target lists keyed by the anchors' names: WeasyPrint keys a target given by
    ``attr()`` under None, where a target's page never finds the boxes that point to it."""
    if None not in missing_target_counters or css_token != "content":
        return missing_target_counters
    found = {name: names for name, names in missing_target_counters.items()
             if name is not None}
    for type_, value in parent_box.style["content"] or ():
        if type_ not in ("target-counter()", "target-counters()"):
            continue
        (anchor_token, counter_name), counter_type = value[:2], value[-1]
        if counter_type == "none":
            continue
        name = _anchor(anchor_token, parent_box)
        item = collector.target_lookup_items.get(name)
        if item is None or item.state != "up-to-date":
            break   # where compute_content_list stops too
        if counter_name not in item.target_box.cached_counter_values:
            names = found.setdefault(name, [])
            if counter_name not in names:
                names.append(counter_name)
    return found


def _collect_missing_counters(self, parent_box, css_token, parse_again_function,
                              missing_counters, missing_target_counters):
    if any(missing_counters is names for names in missing_target_counters.values()):
        missing_counters = _local(parent_box, css_token)
    missing_target_counters = _targets(self, parent_box, css_token, missing_target_counters)
    return _ORIGINAL[0](self, parent_box, css_token, parse_again_function,
                        missing_counters, missing_target_counters)


_WANTED = "_patientpress_wanted"   # on a TargetCollector: {anchor: the counters read}


def _wanted(collector):
    """{anchor name: the counters of it some box's content reads} (pagination only: the
    lookups are all collected by then)."""
    wanted = collector.__dict__.get(_WANTED)
    if wanted is None:
        wanted = {}
        for (_box, css_token), item in collector.counter_lookup_items.items():
            if css_token == "content":
                for name, names in item.missing_target_counters.items():
                    wanted.setdefault(name, set()).update(names)
        collector.__dict__[_WANTED] = wanted
    return wanted


def _cache_target_page_counters(self, anchor_name, page_counter_values, page_maker_index,
                                page_maker):
    item = self.target_lookup_items.get(anchor_name)
    old = item.cached_page_counter_values if item is not None else None
    if (not self.collecting and old and item.state == "up-to-date"
            and old != page_counter_values
            and all(old.get(name) == page_counter_values.get(name)
                    for name in _wanted(self).get(anchor_name, ()))):
        # Only counters no box reads of this target changed (the total, after the first
        # pass): kept, without telling its boxes to lay their pages out again.
        item.page_maker_index = page_maker_index
        item.cached_page_counter_values = copy.deepcopy(page_counter_values)
        return None
    return _ORIGINAL[1](self, anchor_name, page_counter_values, page_maker_index, page_maker)


def install() -> None:
    """Wrap the collection of missing counters and the news of a target's page (once;
    again does nothing)."""
    from weasyprint.css.targets import TargetCollector

    if not installed():
        _ORIGINAL[:] = [TargetCollector.collect_missing_counters,
                        TargetCollector.cache_target_page_counters]
        TargetCollector.collect_missing_counters = _collect_missing_counters
        TargetCollector.cache_target_page_counters = _cache_target_page_counters


def installed() -> bool:
    from weasyprint.css.targets import TargetCollector

    return TargetCollector.collect_missing_counters is _collect_missing_counters


def uninstall() -> None:
    """WeasyPrint's own again (for the test that compares the two)."""
    from weasyprint.css.targets import TargetCollector

    if installed():
        TargetCollector.collect_missing_counters, TargetCollector.cache_target_page_counters \
            = _ORIGINAL
        _ORIGINAL.clear()


_ORIGINAL = []   # WeasyPrint's own two methods, while ours are installed
