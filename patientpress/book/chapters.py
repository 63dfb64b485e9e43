"""Chapter handouts for any book, from its toctrees, never from a folder name.

The toctrees are the book's own: ``toctree`` directives in its pages, or the ones
sphinx-external-toc writes from a Jupyter Book ``_toc.yml`` (parts, chapters, sections).
By default each document the root's toctrees list is a chapter, in reading order, and its
handout holds it and its sub-pages (never the rest of the book). ``handout_chapter_level``
goes deeper (2: one handout per second-level document; a shallower document with no
sub-pages keeps its own, so no text is left out), and ``handout_chapter_exclude`` leaves
documents out by name or glob. At the default level, a top-level document that holds most
of the book under it is split into its own chapters (:func:`holding_most`).

A handout's file is named from its document's path (:func:`pdf_name`), and two that would
share a name stop the build. A link out of a handout says where its target is in the full
guide (:meth:`Guide.where`), and a handout that points to the questions checklist carries
it (:func:`add_checklist`).

A book in parts (a ``_toc.yml``'s ``parts:``, or several ``{toctree}`` directives with a
``:caption:``) shows them in print and in the e-book as on the website: :func:`parts` reads
them, :func:`group_parts` heads each part's chapters of the whole-book print document,
:func:`contents_items` groups the printed contents, and :func:`grouped` the e-book's
navigation (epub.py).
"""

from html import escape

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError, SphinxError
from sphinx.util.matching import patmatch

from . import words

#: Every chapter handout is written to this folder of the output.
FOLDER = "chapters"


def reading_order(toctree_includes, root):
    """``[(docname, depth)]``: every document the toctrees reach from ``root``, in reading
    order, each once, at its first place; the root's own entries have depth 1."""
    seen, order = {root}, []

    def visit(parent, depth):
        for doc in toctree_includes.get(parent, ()):
            if doc not in seen:
                seen.add(doc)
                order.append((doc, depth))
                visit(doc, depth + 1)

    visit(root, 1)
    return order


#: A top-level document holding more than this share of the book's documents, with at
#: least :data:`MANY` pages under it, is split into the handouts of its own chapters at the
#: default level (a handbook whose opening page has one big guide under it made one
#: "chapter" handout of 110 pages out of 157). A book of a few chapters, one with a few
#: sections, keeps its chapters.
MOST = 0.6
MANY = 5


def holding_most(order):
    """The top-level documents of ``order`` that hold most of the book under them."""
    big, at = set(), 0
    while at < len(order):
        doc, end = order[at][0], at + 1
        while end < len(order) and order[end][1] > 1:
            end += 1
        if end - at - 1 >= MANY and end - at > MOST * len(order):
            big.add(doc)
        at = end
    return big


def pick(order, level, exclude=()):
    """The chapters at handout level ``level``: the documents at that depth, and the
    shallower ones with no sub-pages; none that a pattern of ``exclude`` matches. At the
    default level, a top-level document that holds most of the book (:data:`MOST`) is taken
    one level deeper."""
    big = holding_most(order) if level == 1 else set()
    picked, owner = [], None
    for at, (doc, depth) in enumerate(order):
        owner = doc if depth == 1 else owner
        wanted = level + 1 if owner in big else level
        leaf = at + 1 == len(order) or order[at + 1][1] <= depth
        if depth == wanted or (depth < wanted and leaf):
            if not any(patmatch(doc, pattern) for pattern in exclude):
                picked.append(doc)
    return picked


def pdf_name(docname):
    """The handout's file, from the document's path: ``chapters/01-x`` ->
    ``chapters/01-x.pdf``; elsewhere the path's parts joined with "-" (``part1/intro`` ->
    ``chapters/part1-intro.pdf``)."""
    parts = docname.split("/")
    if len(parts) > 1 and parts[0] == FOLDER:
        parts = parts[1:]
    return f"{FOLDER}/{'-'.join(parts)}.pdf"


def check_names(docnames):
    """``docnames``, or an error naming two documents whose handouts would share a file."""
    taken = {}
    for doc in docnames:
        name = pdf_name(doc)
        if name in taken:
            raise SphinxError(
                f"chapter handouts: {taken[name]} and {doc} would both be written to {name}; "
                "rename one of the two files, or leave one out with handout_chapter_exclude "
                "in conf.py")
        taken[name] = doc
    return docnames


class Guide:
    """The book's reading order and, when the build makes them (``with_chapters``), its
    chapter handouts: ``chapters``, the documents with one, in reading order. Two that
    would share a file stop the build here, before anything is written."""

    def __init__(self, env, config, with_chapters=True):
        self.env, self.config = env, config
        self.order = reading_order(env.toctree_includes, config.root_doc)
        self.depth = dict(self.order)
        self.index = {doc: at for at, (doc, _) in enumerate(self.order)}
        self.chapters = check_names(pick(self.order, config.handout_chapter_level,
                                         config.handout_chapter_exclude)) if with_chapters else []

    def held_by(self, docname):
        """The documents ``docname``'s handout holds: itself and its sub-pages."""
        held = [docname]
        for doc, depth in self.order[self.index[docname] + 1:] if docname in self.index else ():
            if depth <= self.depth[docname]:
                break
            held.append(doc)
        return held

    def ancestors(self, docname):
        """The documents above ``docname`` in the reading order, the top-level one first."""
        found, depth = [], self.depth.get(docname, 1)
        for doc, level in reversed(self.order[:self.index.get(docname, 0)]):
            if level < depth:
                found.insert(0, doc)
                depth = level
        return found

    def handout_of(self, docname):
        """The chapter whose handout holds ``docname`` (itself, or one above it), or None."""
        return next((doc for doc in [docname, *reversed(self.ancestors(docname))]
                     if doc in self.chapters), None)

    def where(self, docname, anchor, shown, online):
        """Words for where ``docname`` (at ``anchor``) is in the full guide, for a link out
        of a handout whose text is ``shown``: the titles from its chapter down to it and
        to the section ``anchor`` names, then "online at" when an address follows.
        "" for a document outside the book (the address, if any, says it all)."""
        root = self.config.root_doc
        if docname not in self.depth and docname != root:
            return ""
        titles = [self.env.titles[doc].astext() for doc in [*self.ancestors(docname), docname]
                  if doc != root]   # the opening pages: their section, if any, names them
        section = self._section_title(docname, anchor)
        if section:
            titles.append(section)
        if titles and titles[-1].strip().casefold() == shown.strip().casefold():
            titles.pop()   # the link's own words already name it
        said = words.words(self.config)
        place = said["in_full_guide"] + (": " if titles else "")
        place += ", ".join(f"“{title}”" for title in titles)
        return place + (f", {said['online_at']}" if online else "")

    def _section_title(self, docname, anchor):
        if not anchor or docname not in self.env.tocs:
            return ""
        ref = next((r for r in self.env.tocs[docname].findall(nodes.reference)
                    if r.get("anchorname") == "#" + anchor), None)
        return ref.astext() if ref is not None else ""


def add_checklist(builder, tree):
    """Append the questions checklist (``handout_questions_doc``) to the print document
    ``tree`` when it links to the checklist without holding it: a handout that says "take
    the checklist" carries it. Call it with the tree's references resolved."""
    questions = builder.config.handout_questions_doc
    if not questions or questions not in builder.env.all_docs:
        return
    if any(s["docname"] == questions for s in tree.findall(addnodes.start_of_file)):
        return
    target = "#document-" + questions
    if not any(ref.get("refuri", "") == target or ref.get("refuri", "").startswith(target + "#")
               for ref in tree.findall(nodes.reference)):
        return
    checklist = builder.env.get_doctree(questions)
    builder.env.resolve_references(checklist, questions, builder)
    start = addnodes.start_of_file(docname=questions)
    start.extend(checklist.children)
    # Inside the chapter's own section: a part of this handout, one heading level down.
    holder = next((c for c in tree.children if isinstance(c, addnodes.start_of_file)), tree)
    holder = next((c for c in holder.children if isinstance(c, nodes.section)), holder)
    holder.append(start)


def parts(env, root):
    """``{docname: (number, caption)}``: the part of each document a captioned toctree of
    the root document lists, and of their sub-pages. Empty unless the root has two or more
    toctrees and one has a caption: a single toctree's caption ("Contents") heads a list,
    it divides nothing."""
    trees = [t for t in env.get_doctree(root).findall(addnodes.toctree) if t["includefiles"]]
    if len(trees) < 2 or not any(t.get("caption") for t in trees):
        return {}
    chapter_part, found, part = {}, {}, None
    for number, tree in enumerate(trees, 1):
        for doc in tree["includefiles"] if tree.get("caption") else ():
            chapter_part.setdefault(doc, (number, tree["caption"]))
    for doc, depth in reading_order(env.toctree_includes, root):
        part = chapter_part.get(doc) if depth == 1 else part
        if part is not None:
            found[doc] = part
    return found


def grouped(items, part_of):
    """``items`` in order as ``[(part, [items])]``: each run of consecutive items of one
    part together, an item outside any part (``part_of`` gives None) a run of its own."""
    runs = []
    for item in items:
        part = part_of(item)
        if part is not None and runs and runs[-1][0] == part:
            runs[-1][1].append(item)
        else:
            runs.append((part, [item]))
    return runs


def group_parts(tree, env, root):
    """Put each part's chapters of the whole-book print document (after
    :func:`singlefile.lift_chapters`) in a section of its own, headed by the part's title:
    one heading level above its chapters, in the structure tree and the outline. Returns the
    book's :func:`parts` (the contents group its chapters by them)."""
    book = next(iter(tree.findall(nodes.section)), None)
    part_of = parts(env, root)
    if book is None or not part_of:
        return part_of
    starts = [c for c in book.children if isinstance(c, addnodes.start_of_file)]
    for part, members in grouped(starts, lambda s: part_of.get(s["docname"])):
        if part is None:
            continue
        number, caption = part
        section = nodes.section("", nodes.title(caption, caption), ids=[f"part-{number}"],
                                classes=["part"])
        book.insert(book.index(members[0]), section)
        for start in members:
            book.remove(start)
            section.append(start)
    return part_of


def contents_items(entries, part_of):
    """The printed contents' items for ``entries`` ``[(docname, id, title)]``: a part's
    chapters in a list of their own under its title (``part_of``: :func:`group_parts`)."""
    html = []
    for part, members in grouped(entries, lambda e: part_of.get(e[0])):
        items = "".join(f'<li><a class="page-ref" href="#{escape(i)}">{escape(t)}</a></li>'
                        for _, i, t in members)
        html.append(items if part is None else
                    f'<li class="print-toc-part"><span class="print-toc-part-title">'
                    f'{escape(part[1])}</span><ol class="print-toc-list">{items}</ol></li>')
    return "".join(html)


def _check_config(app, config):
    if config.handout_chapter_level < 1:
        raise ConfigError(f"handout_chapter_level must be 1 or more (1: one handout per "
                          f"chapter), not {config.handout_chapter_level}")


def setup(app):
    # How deep in the toctrees the chapter handouts are cut: 1, one per document the root's
    # toctrees list; 2, one per document those list (leaves above keep their own); ...
    app.add_config_value("handout_chapter_level", 1, "env", types=(int,))
    # Documents (names or globs, as in exclude_patterns) that get no handout of their own.
    app.add_config_value("handout_chapter_exclude", [], "env", types=(list, tuple))
    app.connect("config-inited", _check_config)
