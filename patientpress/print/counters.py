"""Page references laid out once where their numbers can be known, not up to three times.

Every page reference in the print document (the contents' page numbers, "(page 12)" after a
cross-reference) is a ``target-counter(attr(href), page)``. WeasyPrint 70 builds its boxes
before any page exists, so each reference is first built with 0, and then:

- ``compute_content_list`` (formatting_structure/build.py) files the lookup under no anchor
  (``anchor_name_from_token`` of the unresolved ``attr()``), so a target's page never reaches
  the boxes pointing to it; and it rebinds its list of the box's own missing counters to the
  target's, so every reference claims to read its own page's counters. Those gain the page
  total after the first pass, so every page holding a reference was laid out three times.
  :func:`_collect_missing_counters` files the lookup under its anchor and gives the box the
  counters its content really reads.
- ``cache_target_page_counters`` tells a target's new page to its references whenever any
  counter of that page changed, the total included. :func:`_cache_target_page_counters`
  passes the news on only when a counter some box reads of it changed.
- A reference laid out after its target is marked pending and laid out with 0, then again.
  :func:`_remake_page` builds it with the number before its page is laid out.
- :func:`seed`: a layout of the same text after another (a figure fitted, chapter tails
  pulled back, a clinic edition whose text another edition had) builds its references from
  the pages that one found (:func:`pages_of`), so only the pages whose numbers moved are
  laid out again; a wrong guess is corrected as WeasyPrint corrects a 0.

On the book: 69 page layouts for the 45 pages of its whole-book PDF became 54; the large
print's two layouts 162 became 129; one layout of the book ×10 571 became 467. The PDFs are
byte for byte the same (tests/test_counters.py; every PDF of the book, in both languages on
both papers, of the book ×10 and of ten clinics' editions was compared).

Measured on, and written for, WeasyPrint 70.0, pinned in requirements.txt;
tests/test_private_apis.py fails when another version is installed.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import HTML

# The private parts this module relies on were proven on these versions; tests/
# test_private_apis.py fails when another is installed, so they are checked again.
PROVEN_ON = {"weasyprint": "70.0"}


def _content(box):
    """The box's ``content`` list ((type, value) pairs), or () for normal and none."""
    content = box.style["content"]
    return content if isinstance(content, (list, tuple)) else ()


def _local(parent_box, css_token):
    """The counters a box's ``content`` uses that it did not have when it was built."""
    if css_token != "content":
        return []
    have = parent_box.cached_counter_values or {}
    found = []
    for type_, value in _content(parent_box):
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
    for type_, value in _content(parent_box):
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


_INDEX = "_patientpress_index"       # on a TargetCollector: {anchor: (counters, lookups)}
_PENDING = "_patientpress_pending"   # on a TargetCollector: lookups to parse before a page


def _index(collector):
    """{anchor name: (the counters of it some box's content reads, those boxes' lookups)}
    (pagination only: the lookups are all collected by then)."""
    index = collector.__dict__.get(_INDEX)
    if index is None:
        index = {}
        for (_box, css_token), item in collector.counter_lookup_items.items():
            if css_token == "content":
                for name, names in item.missing_target_counters.items():
                    wanted, items = index.setdefault(name, (set(), []))
                    wanted.update(names)
                    items.append(item)
        collector.__dict__[_INDEX] = index
    return index


def _cache_target_page_counters(self, anchor_name, page_counter_values, page_maker_index,
                                page_maker):
    item = self.target_lookup_items.get(anchor_name)
    old = item.cached_page_counter_values if item is not None else None
    if (not self.collecting and old and item.state == "up-to-date"
            and old != page_counter_values
            and all(old.get(name) == page_counter_values.get(name)
                    for name in _index(self).get(anchor_name, ((), ()))[0])):
        # Only counters no box reads of this target changed (the total, after the first
        # pass): kept, without telling its boxes to lay their pages out again.
        item.page_maker_index = page_maker_index
        item.cached_page_counter_values = copy.deepcopy(page_counter_values)
        return None
    result = _ORIGINAL[1](self, anchor_name, page_counter_values, page_maker_index,
                          page_maker)
    if not self.collecting:
        # The boxes pointing back at this target that are not laid out yet: WeasyPrint
        # marks them pending, lays their page out with the number they were built with,
        # then again with the right one; they are given the right one before (_remake_page).
        # Not a box that reads a counter of its own page: that page is not known yet.
        waiting = [lookup for lookup in _index(self).get(anchor_name, ((), ()))[1]
                   if lookup.pending and not lookup.missing_counters]
        if waiting:
            self.__dict__.setdefault(_PENDING, []).extend(waiting)
    return result


def _remake_page(index, context, root_box, html):
    html.__dict__[_COLLECTOR] = context.target_collector   # for pages_of: the last layout
    waiting = context.target_collector.__dict__.pop(_PENDING, None)
    for lookup in waiting or ():
        if lookup.pending:
            lookup.pending = False
            lookup.parse_again(lookup.cached_page_counter_values)
    return _ORIGINAL[2](index, context, root_box, html)


_COLLECTOR = "_patientpress_collector"   # on a weasyprint.HTML: its last layout's targets
_SEEDS = "_patientpress_seeds"           # on an HTML, then its TargetCollector: pages known


def pages_of(source: HTML) -> dict[str, dict[str, list[int]]]:
    """{anchor: its page's counters} in ``source``'s last layout (a ``weasyprint.HTML``
    rendered since :func:`install`); {} when it has none. The layout's lookups are let go
    (they hold its boxes)."""
    collector = source.__dict__.pop(_COLLECTOR, None)
    if collector is None:
        return {}
    return {name: copy.deepcopy(item.cached_page_counter_values)
            for name, item in collector.target_lookup_items.items()
            if isinstance(name, str) and item.state == "up-to-date"
            and item.cached_page_counter_values}


def seed(source: HTML, pages: dict[str, dict[str, list[int]]] | None) -> None:
    """Lay ``source`` out next with the page references built from ``pages`` (pages_of an
    earlier layout of the same text): a reference whose target is still on that page is
    laid out once, not built with 0 and laid out again. A target now elsewhere is told to
    its references as WeasyPrint tells them, so a wrong or stale guess costs only the
    pass it would have cost anyway; None or {} lays it out as WeasyPrint does."""
    source.__dict__[_SEEDS] = pages or None


def _build_layout_context(cls, html, *args, **kwargs):
    context = _ORIGINAL[3](cls, html, *args, **kwargs)
    context.target_collector.__dict__[_SEEDS] = html.__dict__.get(_SEEDS)
    return context


def _store_target(self, anchor_name, target_counter_values, target_box):
    result = _ORIGINAL[4](self, anchor_name, target_counter_values, target_box)
    seeds = self.__dict__.get(_SEEDS)
    if seeds and anchor_name in seeds:
        item = self.target_lookup_items.get(anchor_name)
        if item is not None and item.state == "up-to-date" and not item.cached_page_counter_values:
            item.cached_page_counter_values = copy.deepcopy(seeds[anchor_name])
    return result


def install() -> None:
    """Wrap the collection of missing counters and the news of a target's page (once;
    again does nothing)."""
    from weasyprint.css.targets import TargetCollector

    import weasyprint.layout.page
    from weasyprint.document import Document

    if not installed():
        _ORIGINAL[:] = [TargetCollector.collect_missing_counters,
                        TargetCollector.cache_target_page_counters,
                        weasyprint.layout.page.remake_page,
                        Document.__dict__["_build_layout_context"].__func__,
                        TargetCollector.store_target]
        TargetCollector.collect_missing_counters = _collect_missing_counters
        TargetCollector.cache_target_page_counters = _cache_target_page_counters
        weasyprint.layout.page.remake_page = _remake_page
        Document._build_layout_context = classmethod(_build_layout_context)
        TargetCollector.store_target = _store_target


def installed() -> bool:
    from weasyprint.css.targets import TargetCollector

    return TargetCollector.collect_missing_counters is _collect_missing_counters


def uninstall() -> None:
    """WeasyPrint's own again (for the test that compares the two)."""
    from weasyprint.css.targets import TargetCollector

    import weasyprint.layout.page
    from weasyprint.document import Document

    if installed():
        (TargetCollector.collect_missing_counters, TargetCollector.cache_target_page_counters,
         weasyprint.layout.page.remake_page, build_layout_context,
         TargetCollector.store_target) = _ORIGINAL
        Document._build_layout_context = classmethod(build_layout_context)
        _ORIGINAL.clear()


_ORIGINAL = []   # WeasyPrint's own two methods, while ours are installed
