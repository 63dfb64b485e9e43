"""Raw HTML made safe: an allowlist sanitizer (nh3, the Python binding of Ammonia) between a
book's HTML and every format.

A book's own raw HTML (MyST's inline and block HTML, the ``{raw} html`` directive) is
refused unless ``conf.py`` says ``book_raw_html = True``; a notebook's HTML output (a
pandas table) always goes through here. What passes: the tags of :data:`TAGS`, the
``class``, ``id``, ``lang``, ``title`` and ``dir`` attributes on any of them (so the book's
own CSS still styles them) and a few per tag (a link's address, a picture's ``alt``, a
cell's span); web, mail and phone addresses and relative ones. What never passes: scripts,
styles, forms, frames, event handlers (``onclick=``), inline ``style``, and ``javascript:``,
``data:`` or ``file:`` addresses. The result is written as XHTML (``<br />``, numeric
entities), which the EPUB needs: a bare ``<br>`` is a fatal XML error there.
"""

import functools
import html as html_text
import re

from docutils import nodes

TAGS = {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"}
GENERIC_ATTRIBUTES = {"class", "id", "lang", "title", "dir"}
TAG_ATTRIBUTES = {"a": {"href", "hreflang"}, "img": {"src", "alt", "width", "height"},
                  "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "scope",
                                                                 "headers"},
                  "col": {"span"}, "colgroup": {"span"}, "ol": {"start", "reversed"},
                  "time": {"datetime"}, "abbr": {"title"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements removed with everything inside them (not just their tags).
DROPPED_WHOLE = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}

# nh3 writes HTML; these are the changes that make it XHTML. Its attribute values are always
# double-quoted, with '"' escaped, so a '>' can only end a tag outside them.
_VOID = re.compile(r'<(br|hr|img|col|wbr)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*>')


def _xhtml(html):
    return _VOID.sub(r"<\1\2 />", html).replace("&nbsp;", "&#160;")


@functools.cache
def _cleaner():
    import nh3

    return functools.partial(
        nh3.clean, tags=TAGS, clean_content_tags=DROPPED_WHOLE,
        generic_attribute_prefixes=None, attributes={
            "*": GENERIC_ATTRIBUTES, **TAG_ATTRIBUTES}, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer", strip_comments=True)


def sanitize(html):
    """``html`` with only what :data:`TAGS` and the attribute lists allow, as XHTML."""
    return _xhtml(_cleaner()(html))


def removed(before, after):
    """What the sanitizer took out, in words ("<script>, onclick="), for a message; "" when
    it only normalised the markup."""
    found = []
    for tag in sorted(set(re.findall(r"<\s*([a-zA-Z][\w-]*)", before))):
        if tag.lower() not in TAGS:
            found.append(f"<{tag.lower()}>")
    for attr in sorted(set(re.findall(r"\s(on[a-z]+)\s*=", before, re.I))):
        found.append(f"{attr.lower()}=")
    for scheme in sorted(set(re.findall(r"(javascript|vbscript|data|file):", before, re.I))):
        if f"{scheme}:" not in after:
            found.append(f"{scheme.lower()}: addresses")
    return ", ".join(dict.fromkeys(found))


_OPEN = re.compile(r"<([a-zA-Z][\w-]*)[^>]*(?<!/)>$")
_CLOSE = re.compile(r"</([a-zA-Z][\w-]*)\s*>$")
_VOID_TAGS = {"br", "hr", "img", "col", "wbr", "input", "area", "source"}


def join_inline(parent):
    """Inline HTML that MyST gives as separate pieces (``<span class="c">``, the text,
    ``</span>``) joined into one raw node, its text escaped, so that the sanitizer sees the
    element whole (one piece at a time, it would close the span before its text)."""
    children = list(parent.children)
    i = 0
    while i < len(children):
        node = children[i]
        match = _OPEN.match(node.astext().strip()) if _inline_raw(node) else None
        if not match or match.group(1).lower() in _VOID_TAGS:
            i += 1
            continue
        end = _closing(children, i, match.group(1).lower())
        if end is None:
            i += 1
            continue
        joined = "".join(c.astext() if _inline_raw(c) else html_text.escape(c.astext())
                         for c in children[i:end + 1])
        merged = nodes.raw(joined, joined, format="html")
        merged.source, merged.line = node.source, node.line
        parent.replace(node, merged)
        for extra in children[i + 1:end + 1]:
            parent.remove(extra)
        children = list(parent.children)
        i += 1


def _inline_raw(node):
    return isinstance(node, nodes.raw) and node.get("format") == "html" \
        and isinstance(node.parent, nodes.TextElement)


def _closing(children, start, tag):
    """The index of the raw node that closes ``tag`` opened at ``start``, if only text and
    raw HTML lie between; else None."""
    depth = 0
    for j in range(start, len(children)):
        child = children[j]
        if isinstance(child, nodes.Text):
            continue
        if not _inline_raw(child):
            return None
        text = child.astext().strip()
        opened, closed = _OPEN.match(text), _CLOSE.match(text)
        if opened and opened.group(1).lower() == tag:
            depth += 1
        elif closed and closed.group(1).lower() == tag:
            depth -= 1
            if depth == 0:
                return j
    return None
