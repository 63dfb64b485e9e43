"""Clinic editions: the handouts with each clinic's name, address, phone, hours and logo.

The book is built once (``make pdf``). Each edition re-renders the built print documents
with the clinic's details put into every clinic box (cover and back page), in a pool of
long-lived worker processes that load WeasyPrint and parse the book once each::

    python -m patientpress.clinics clinics/ --book _build/handout --out _build/clinics

Every ``*.yaml``, ``*.yml`` or ``*.toml`` file in the folder is one clinic. A clinic file
with a problem fails alone, with a message naming the file, the field and the fix; its
PDFs are not written (an older edition of it is removed) and the others still build.

``--shard K/N`` builds only the clinic files of shard K of N, so that N machines (a CI
matrix, a Kubernetes indexed Job) share a batch, writing to one output folder or several.
"""

import argparse
import copy
import dataclasses
import difflib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tomllib
import unicodedata
import warnings
from pathlib import Path, PurePath
from urllib.parse import urlsplit

from . import booklet, pdfua, pool, qr, render
from . import paper as paper_sizes
from .files import slugify

PRODUCTS = ("book", "large-print", "booklet", "chapters")
DEFAULT_PRODUCTS = ("book", "large-print", "booklet")
REQUIRED = ("name", "address", "phone", "web")
OPTIONAL = ("hours", "logo", "paper", "large_print", "qr", "slug")
FIELDS = REQUIRED + OPTIONAL
TEXT_FIELDS = tuple(f for f in FIELDS if f != "large_print")
EXAMPLE = {
    "name": 'name: "Riverside Foot Clinic"',
    "address": "address: |\n  12 River Road\n  Springfield",
    "phone": 'phone: "+1 555 0100"',
    "web": "web: https://riverside.example.org/",
    "hours": 'hours: "Monday to Friday, 8 am to 5 pm"',
    "logo": "logo: logos/riverside.svg",
    "paper": "paper: a4",
    "large_print": "large_print: true",
    "qr": "qr: https://riverside.example.org/neuropathy-guide/",
    "slug": "slug: riverside",
}
MAX_CHARS = {"name": 80, "phone": 40, "web": 200, "qr": 200, "address": 300, "hours": 300}
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FALLBACK_FAMILY = "Noto Sans Arabic"


class ClinicError(Exception):
    """A clinic file that cannot be built; ``problems`` are the messages for the user."""

    def __init__(self, path, problems, slug=None):
        self.path = Path(path)
        self.problems = list(problems)
        self.slug = slug   # when known, an older edition under this name is removed
        super().__init__("\n".join(f"{path}: {p}" for p in self.problems))


@dataclasses.dataclass
class Clinic:
    path: Path
    slug: str
    name: str
    address: list
    phone: str
    web: str
    hours: list = dataclasses.field(default_factory=list)
    logo: Path | None = None
    paper: str = "letter"
    large_print: bool = False
    qr: str = ""
    needs_fallback: bool = False   # has Arabic-script text: add the fallback font
    notes: list = dataclasses.field(default_factory=list)


# -- fonts -----------------------------------------------------------------------

def fallback_font():
    """The Arabic-script fallback font file (PyPI fontpkg-noto-sans-arabic)."""
    import fontpkg_noto_sans_arabic as pkg

    return next((Path(pkg.__file__).parent / "files").glob("*.ttf"))


class Glyphs:
    """Which characters the print fonts can draw (their cmaps, read with fontTools)."""

    def __init__(self, book_dir):
        from fontTools.ttLib import TTFont

        main = sorted((Path(book_dir) / "_static" / "fonts").glob("*.ttf"))
        if not main:
            raise SystemExit(f"error: {book_dir}/_static/fonts has no fonts; rebuild the book "
                             "with: make pdf")
        # Upright regular and bold carry the clinic box; a character must be in every one.
        upright = [f for f in main if "Italic" not in f.name] or main
        maps = [set(TTFont(f, lazy=True).getBestCmap()) for f in upright]
        self.main = set.intersection(*maps)
        self.fallback = set(TTFont(fallback_font(), lazy=True).getBestCmap())

    def missing(self, text):
        return list(dict.fromkeys(c for c in text if not c.isspace()
                                  and ord(c) not in self.main and ord(c) not in self.fallback))

    def needs_fallback(self, text):
        return any(ord(c) not in self.main and ord(c) in self.fallback for c in text)


# -- reading and checking a clinic file --------------------------------------------

def _yaml_load(text):
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
    return data, _mapping_slips(node, text)


def _quoted(text):
    return json.dumps(text, ensure_ascii=False)   # a valid YAML double-quoted string


def _mapping_slips(root, text):
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
        if field not in TEXT_FIELDS or field in slips:
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


def read_file(path):
    """The clinic file as a dict, or :class:`ClinicError` for a malformed file."""
    return _read(path)[0]


def _read(path):
    """(the clinic file as a dict, {field: problem} for text read as a mapping)."""
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
            data, slips = _yaml_load(text)
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


def _kind(value):
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a group of fields"}.get(type(value), type(value).__name__)


def _text(data, field, problems, *, lines=False):
    """A text field (or, with ``lines``, text or a list of lines) as a list of lines."""
    value = data.get(field)
    if lines and isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    elif isinstance(value, str):
        items = value.splitlines() if lines else [value]
    else:
        shape = "text or a list of lines" if lines else "text"
        fix = (f'put it in quotes: {field}: "{value}"' if isinstance(value, (int, float, bool))
               else f"write it as: {EXAMPLE[field].splitlines()[0]}")
        problems.append(f"'{field}' must be {shape}, not {_kind(value)}. Fix: {fix}")
        return []
    items = [" ".join(v.split()) for v in items]
    items = [v for v in items if v]
    if not items:
        problems.append(f"'{field}' is empty. Fix: fill it in, e.g. {EXAMPLE[field]}")
        return []
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200c\u200d"
           for v in items for c in v):
        problems.append(f"'{field}' contains invisible control characters; retype it")
    if sum(len(v) for v in items) > MAX_CHARS[field]:
        problems.append(f"'{field}' is longer than {MAX_CHARS[field]} characters and would not "
                        "fit in the clinic box; shorten it")
    return items


def _url(data, field, problems):
    value = _text(data, field, problems)
    if not value:
        return ""
    url = value[0]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        guess = f"https://{url}" if "://" not in url and "." in url and ":" not in url else (
            "https://clinic.example.org/")
        problems.append(f"'{field}' must be a web address starting with http:// or https://, "
                        f"not {url!r}. Fix: {field}: {guess}")
    return url


def _logo(data, folder, problems):
    value = data.get("logo")
    if not isinstance(value, str) or not value.strip():
        problems.append("'logo' must be the path of an SVG or PNG file in the clinic folder, "
                        f"e.g. {EXAMPLE['logo']}" + ("" if value is None else f", not {_kind(value)}"))
        return None
    folder = folder.resolve()
    path = (folder / value.strip()).resolve()
    if not path.is_relative_to(folder):
        problems.append(f"'logo' points outside the clinic folder ({value}). Fix: copy the "
                        f"file into {folder} (e.g. logos/) and give its path from there")
        return None
    if not path.is_file():
        problems.append(f"'logo' file {value} does not exist in {folder}. Fix: check the "
                        "spelling or copy the logo there")
        return None
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        problems.append(f"'logo' file {value} is {size / 1048576:.1f} MB; the limit is 2 MB. "
                        "Fix: export it smaller (a logo prints at most 45 x 22 mm)")
        return None
    problem = _logo_image_problem(path, value)
    if problem:
        problems.append(problem)
        return None
    return path


def _logo_image_problem(path, value):
    """Why a logo file cannot go into the PDF, or None: a PNG (Pillow reads and decodes it,
    since the PDF embeds PNG data as it is) of at most MAX_LOGO_PIXELS a side, or an SVG."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    fix = "Fix: scale it down (600 pixels wide is plenty)"
    damaged = f"'logo' file {value} is a damaged PNG. Fix: export it again"
    try:
        with warnings.catch_warnings():
            # Our own limit, far below Pillow's, is checked before anything is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=["PNG"])  # reads the header only
        with image:
            width, height = image.size
            if max(width, height) > MAX_LOGO_PIXELS:
                return (f"'logo' file {value} is {width} x {height} pixels; the limit is "
                        f"{MAX_LOGO_PIXELS}. {fix}")
            image.verify()  # every chunk's checksum
    except UnidentifiedImageError:
        return _svg_problem(path, value)
    except Image.DecompressionBombError:  # too big for Pillow even to give its size
        return (f"'logo' file {value} has over {2 * Image.MAX_IMAGE_PIXELS} pixels; the limit "
                f"is {MAX_LOGO_PIXELS} pixels a side. {fix}")
    except Exception:  # Pillow raises many kinds for damaged files
        return damaged
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES   # WeasyPrint sets it to True on import
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(path, formats=["PNG"]) as image:  # verify() leaves it unusable
            image.load()
    except Exception:
        return damaged
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def _svg_problem(path, value):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError:
        root = None
    if root is None or root.tag != SVG_ROOT:
        return (f"'logo' file {value} is not a PNG or SVG image. Fix: export the logo "
                "as PNG or SVG")
    return None


def load_clinic(path, glyphs):
    """Read and check one clinic file; return a :class:`Clinic` or raise :class:`ClinicError`."""
    path = Path(path)
    data, slips = _read(path)
    problems = list(slips.values())
    for key in data:
        if key not in FIELDS:
            close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else f"the fields are: {', '.join(FIELDS)}")
            problems.append(f"unknown field '{key}': {hint}")
    for field in REQUIRED:
        if data.get(field) is None:
            problems.append(f"'{field}' is missing. Fix: add it, e.g. {EXAMPLE[field]}")
    # A field read as a mapping has its own message above; it is not checked again.
    data = {k: v for k, v in data.items() if k not in slips}
    name = _text(data, "name", problems) if data.get("name") is not None else []
    address = _text(data, "address", problems, lines=True) if data.get("address") is not None else []
    phone = _text(data, "phone", problems) if data.get("phone") is not None else []
    web = _url(data, "web", problems) if data.get("web") is not None else ""
    hours = _text(data, "hours", problems, lines=True) if "hours" in data else []
    logo = _logo(data, path.parent, problems) if "logo" in data else None
    clinic_qr = _url(data, "qr", problems) if "qr" in data else ""

    paper = data.get("paper", "letter")
    if not isinstance(paper, str) or paper.lower() not in paper_sizes.SIZES:
        problems.append(f"'paper' must be 'letter' or 'a4', not {paper!r}. Fix: paper: a4")
        paper = "letter"
    large = data.get("large_print", False)
    if not isinstance(large, bool):
        problems.append(f"'large_print' must be true or false, not {large!r}. "
                        "Fix: large_print: true")
    slug = data.get("slug")
    if slug is not None and not (isinstance(slug, str) and SLUG_RE.match(slug)):
        problems.append(f"'slug' must be lowercase letters, digits and hyphens, not {slug!r}. "
                        "Fix: slug: riverside-clinic")

    texts = {"name": name, "address": address, "phone": phone, "web": [web],
             "hours": hours, "qr": [clinic_qr]}
    notes = []
    for field, values in texts.items():
        text = "\n".join(values)
        missing = glyphs.missing(text)
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:8])
            problems.append(f"'{field}' has characters the print fonts cannot draw: {shown}. "
                            "The handouts use Atkinson Hyperlegible (Latin letters) and Noto "
                            "Sans Arabic; write the text in Latin or Arabic script")
        if re.search(r"<[A-Za-z/!]|[{}]", text):
            notes.append(f"'{field}' looks like HTML or CSS; it is printed exactly as typed")
    if not name:
        raise ClinicError(path, problems)
    if not (isinstance(slug, str) and SLUG_RE.match(slug)):
        slug = slugify(name[0]) or slugify(path.stem)
        if not slug:
            problems.append("no file name can be made from the clinic's name. Fix: add "
                            "slug: with Latin letters, e.g. slug: al-noor-clinic")
    if problems:
        raise ClinicError(path, problems, slug or None)
    return Clinic(path=path, slug=slug, name=name[0], address=address, phone=phone[0], web=web,
                  hours=hours, logo=logo, paper=paper.lower(), large_print=large, qr=clinic_qr,
                  needs_fallback=glyphs.needs_fallback("\n".join(sum(texts.values(), []))),
                  notes=notes)


def clinic_files(folder):
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".toml"))


def load_folder(folder, glyphs):
    """All clinics of ``folder``: (good clinics, {file: ClinicError})."""
    good, failed = [], {}
    for path in clinic_files(folder):
        try:
            good.append(load_clinic(path, glyphs))
        except ClinicError as exc:
            failed[path] = exc
    by_slug = {}
    for clinic in good:
        by_slug.setdefault(clinic.slug, []).append(clinic)
    for slug, same in by_slug.items():
        if len(same) > 1:
            names = ", ".join(c.path.name for c in same)
            for clinic in same:
                failed[clinic.path] = ClinicError(clinic.path, slug=slug, problems=[
                    f"the clinics in {names} all get the file name '{slug}'. Fix: give each a "
                    "different name, or add a different slug: line to each"])
    return [c for c in good if c.path not in failed], failed


# -- shards: one batch on several machines -------------------------------------------------

SHARD_FORM = "--shard takes K/N with 1 ≤ K ≤ N, e.g. --shard 2/8"


def parse_shard(text):
    """(K, N) from ``"K/N"``; :class:`ValueError` with the message for the user."""
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"{SHARD_FORM}, not {text!r}")
    return int(match[1]), int(match[2])


def shard_of(relpath, n):
    """The shard (1 to ``n``) that builds the clinic file at ``relpath`` (relative to the
    clinic folder).

    A hash of the path, not its place in sorted order: adding or removing a clinic file
    moves no other file to another shard, so each shard keeps its clinics from run to run.
    The cost is shards of uneven size when there are few files per shard. sha256 is the
    same on every machine and Python (``hash()`` is salted per process); the path is in
    POSIX form and NFC, as macOS may list a name decomposed (NFD) where Linux keeps NFC.
    """
    name = unicodedata.normalize("NFC", PurePath(relpath).as_posix())
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def select_shard(files, folder, k, n):
    """The clinic files of ``folder`` (sorted) that shard ``k`` of ``n`` builds."""
    return sorted(f for f in files if shard_of(Path(f).relative_to(folder), n) == k)


# -- the edition's print document ----------------------------------------------------

def _has_class(element, name):
    return name in (element.get("class") or "").split()


def _direction(text):
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _para(cls, *children):
    """A <p> with text children (escaped on output) and elements."""
    from lxml.html import builder as E

    p = E.P(E.CLASS(cls), *children)
    direction = _direction(p.text_content())
    if direction == "rtl":
        p.set("dir", "rtl")
    return p


def _lines(cls, lines):
    from lxml.html import builder as E

    children = []
    for i, line in enumerate(lines):
        if i:
            children.append(E.BR())
        children.append(line)
    # lxml's builder joins strings and <br> tails itself.
    return _para(cls, *children)


def fill_box(box, clinic, logo_uri):
    """Replace the blank in one clinic box with the clinic's details, as text."""
    from lxml.html import builder as E

    label = next((p.text_content() for p in box.iter("p") if _has_class(p, "clinic-label")),
                 "Given to you by:")
    for child in list(box):
        box.remove(child)
    box.text = "\n"
    if logo_uri:
        box.append(E.IMG(E.CLASS("clinic-logo"), src=logo_uri, alt=f"Logo of {clinic.name}"))
    box.append(_para("clinic-label", label))
    box.append(_para("clinic-name", clinic.name))
    box.append(_lines("clinic-address", clinic.address))
    box.append(_para("clinic-phone", "Phone: ", E.SPAN(E.CLASS("clinic-value"), clinic.phone)))
    box.append(_para("clinic-web", "Web: ", E.SPAN(E.CLASS("url"), clinic.web)))
    if clinic.hours:
        box.append(_lines("clinic-hours", ["Opening hours:", *clinic.hours]))


def _set_qr(cover, url):
    """Point the cover's QR code (adding one if the book has none) at ``url``."""
    from lxml.html import builder as E

    block = next((d for d in cover.iter("div") if _has_class(d, "cover-qr")), None)
    if block is None:
        block = E.DIV(E.CLASS("cover-qr"), E.IMG(E.CLASS("qr")),
                      E.P("Scan with a phone camera to open, or type:", E.BR(),
                          E.SPAN(E.CLASS("url"))))
        cover.append(block)
    for img in block.iter("img"):
        img.set("src", qr.svg_data_uri(url))
        img.set("alt", f"QR code that opens {url}")
    for span in block.iter("span"):
        if _has_class(span, "url"):
            span.text = url


def edition_html(tree, clinic):
    """The print document ``tree`` (not changed) as HTML text for ``clinic``."""
    import lxml.html
    from lxml.html import builder as E

    doc = copy.deepcopy(tree)
    boxes = [d for d in doc.iter("div") if _has_class(d, "clinic-box")]
    if not boxes:
        raise ClinicError(clinic.path, ["the built book has no clinic box on its cover; "
                                        "rebuild it with: make pdf"])
    logo_uri = clinic.logo.as_uri() if clinic.logo else ""
    for box in boxes:
        fill_box(box, clinic, logo_uri)
    if clinic.needs_fallback:
        head = doc.find("head")
        head.append(E.STYLE(fallback_css()))
    if clinic.qr:
        cover = next((d for d in doc.iter("div") if _has_class(d, "cover")), None)
        if cover is not None:
            _set_qr(cover, clinic.qr)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


# WeasyPrint applies these extra stylesheets at user level, below the book's print.css:
# each declaration that overrides print.css needs !important to win.
CLINIC_CSS = """
/* A logo of any size or shape fills the same box, keeping its proportions. */
.clinic-box img.clinic-logo { width: 45mm !important; height: 22mm !important;
  max-width: none !important; max-height: none !important;
  object-fit: contain; object-position: right top; }
.clinic-box::after { content: ""; display: block; clear: both; }
.clinic-name { font-weight: bold; font-size: 1.15em; }
.clinic-box p[dir="rtl"] { text-align: right !important; }
/* The running title comes from the cover title only, never from the whole cover (with the
   clinic's details) when a cover runs onto a second page. */
.cover { string-set: none !important; }
"""
# A booklet page is half a sheet: narrower margins, the wider one always on the fold, and
# a cover (with its clinic box and QR code) that fits one half-size page.
BOOKLET_CSS = """
@page { size: %s; margin: 16mm 13mm 18mm 17mm !important; }
@page :left { margin-left: 13mm !important; margin-right: 17mm !important; }
.cover-title { font-size: 2em !important; }
.cover-review { margin-bottom: 1em !important; }
.clinic-box { line-height: 1.3 !important; padding: 0.4em 0.7em !important;
  margin-bottom: 1em !important; }
.clinic-box img.clinic-logo { width: 34mm !important; height: 17mm !important; }
.cover-qr img.qr { width: 26mm !important; height: 26mm !important; }
"""
# Bigger type or smaller pages: the back page (with the clinic box) still fits one page.
COMPACT_CSS = """
.back-title { margin-top: 0 !important; }
.back-page p { margin-bottom: 0.4em !important; }
.clinic-box p { margin: 0 !important; }
"""


def stylesheets(clinic, kind):
    sheets = [CLINIC_CSS]
    if kind == "booklet":
        sheets.append(BOOKLET_CSS % booklet.SHEETS[clinic.paper]["page_css"])
    else:
        sheets.append(paper_sizes.page_css(clinic.paper))
    if kind == "large":
        sheets.append(paper_sizes.large_print_css())
    if kind in ("large", "booklet"):
        sheets.append(COMPACT_CSS)
    return sheets


def fallback_css():
    """Arabic-script fallback font. It goes in the document's own <style>: WeasyPrint loads
    @font-face rules of extra stylesheets only with a shared font configuration."""
    return (f'@font-face {{ font-family: "{FALLBACK_FAMILY}"; '
            f'src: url("{fallback_font().as_uri()}"); }}\n'
            f'html {{ font-family: "Atkinson Hyperlegible", "{FALLBACK_FAMILY}", sans-serif; }}')


# -- rendering, in worker processes ------------------------------------------------------

_BOOK = {}


def _use_book(book_dir):
    """Remember the book in this worker; its print documents are parsed on first use."""
    book_dir = Path(book_dir).resolve()
    if _BOOK.get("dir") == book_dir:
        return
    # WeasyPrint's messages come back as results; none goes to the terminal mid-progress-bar.
    quiet = logging.getLogger("sphinx.patientpress.render")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    _BOOK.clear()
    _BOOK.update(dir=book_dir, trees={})


def _tree(rel):
    import lxml.html

    trees = _BOOK["trees"]
    if rel not in trees:
        text = (_BOOK["dir"] / rel).read_text(encoding="utf-8")
        trees[rel] = lxml.html.document_fromstring(text)
    return trees[rel]


def render_job(job, book_dir):
    """Render one product of one clinic into its staging folder; return (job, problem)."""
    clinic, kind, rel, target = job
    _use_book(book_dir)
    book = _BOOK["dir"]
    roots = [book, clinic.path.parent.resolve()]
    if clinic.needs_fallback:
        roots.append(fallback_font().parent)
    pages = target.with_name(f".{target.stem}-pages.pdf") if kind == "booklet" else target
    try:
        html = edition_html(_tree(rel), clinic)
        messages = render.render_pdf(
            html, pages,
            # Every print document resolves its paths from the book's output folder.
            base_url=book.as_uri() + "/", allowed_roots=roots,
            stylesheets=stylesheets(clinic, kind),
            location=str(clinic.path))
        if messages:
            return job, "the PDF renderer reported: " + "; ".join(dict.fromkeys(messages))
        # The same PDF/UA finishing as the book's own handouts (running heads as artifacts,
        # one annotation per link, link descriptions in words).
        pdfua.finish_pdf(pages, html)
        if kind == "booklet":
            booklet.impose(pages, target, clinic.paper)
    except ClinicError as exc:
        return job, "; ".join(exc.problems)
    except Exception as exc:  # one clinic's failure never stops the batch
        return job, f"rendering failed: {type(exc).__name__}: {exc}"
    finally:
        if kind == "booklet":
            pages.unlink(missing_ok=True)
    return job, None


def plan(clinic, products, chapters, staging):
    """The render jobs (clinic, kind, print document, target PDF) of one clinic."""
    jobs = []
    if "book" in products:
        jobs.append((clinic, "book", "index.html", staging / f"{clinic.slug}-handout.pdf"))
    if "large-print" in products and clinic.large_print:
        jobs.append((clinic, "large", "index.html", staging / f"{clinic.slug}-large-print.pdf"))
    if "booklet" in products:
        jobs.append((clinic, "booklet", "index.html", staging / f"{clinic.slug}-booklet.pdf"))
    if "chapters" in products:
        for rel in chapters:
            name = Path(rel).stem
            jobs.append((clinic, "book", rel, staging / "chapters" / f"{clinic.slug}-{name}.pdf"))
    return jobs


def _run(jobs, workers, book_dir, timeout, progress):
    """Yield (job, problem) as each render ends, in the render worker pool (each PDF within
    ``timeout`` seconds; a render past it is stopped and reported, the others go on)."""
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), unit="pdf", desc="Clinic editions", disable=not progress,
               file=sys.stderr)
    try:
        runner = pool.workers(workers)
        renders = [pool.Job(render_job, (job, book_dir), timeout=timeout,
                              what=job[3].name, target=job[3]) for job in jobs]
        for index, outcome in runner.run(renders):
            if isinstance(outcome, BaseException):
                outcome = jobs[index], str(outcome)
            yield outcome
            bar.update()
    finally:
        bar.close()


# -- command line ---------------------------------------------------------------------------

def _parser():
    p = argparse.ArgumentParser(
        prog="patientpress-clinics",
        description="Build a branded edition of the handouts for every clinic file "
                    "(*.yaml, *.yml, *.toml) in FOLDER: the clinic's name, address, phone, "
                    "web address, opening hours and logo on the cover and the back page.",
        epilog="Outputs: OUT/<slug>/<slug>-handout.pdf, <slug>-large-print.pdf (clinics with "
               "large_print: true), <slug>-booklet.pdf (fold-and-staple booklet) and, with "
               "--products chapters, chapters/<slug>-<chapter>.pdf. Exit status 1 if any "
               "clinic failed (the others are still written).")
    p.add_argument("folder", type=Path, help="folder of clinic files, e.g. clinics/")
    p.add_argument("--book", type=Path, required=True,
                   help="the built handout folder (make pdf), e.g. _build/handout")
    p.add_argument("--out", type=Path, required=True, help="where to write, e.g. _build/clinics")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="renders in parallel (default: every core, %(default)s here)")
    p.add_argument("--products", nargs="+", choices=PRODUCTS, default=list(DEFAULT_PRODUCTS),
                   metavar="PRODUCT",
                   help=f"what to make, any of {', '.join(PRODUCTS)} "
                        f"(default: {' '.join(DEFAULT_PRODUCTS)})")
    p.add_argument("--timeout", type=float, default=pool.DEFAULT_TIMEOUT,
                   help="seconds allowed per PDF (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--shard", metavar="K/N",
                   help="build only shard K of N of the clinic files (1 ≤ K ≤ N; each file's "
                        "shard comes from a hash of its name), for a CI matrix or an indexed "
                        "Job. Every shard still checks all the files, so two clinics with the "
                        "same slug are found in any shards, but reports only its own")
    return p


def _check_book(book):
    missing = [n for n in ("index.html", "_static/print.css") if not (book / n).is_file()]
    if missing:
        raise SystemExit(f"error: {book} is not a built handout folder (no {missing[0]}). "
                         "Build the book first: make pdf")


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    shard = None
    if args.shard is not None:
        try:
            shard = parse_shard(args.shard)
        except ValueError as exc:
            parser.error(str(exc))   # usage and the message, exit status 2
    if args.jobs < 1:
        raise SystemExit("error: --jobs must be 1 or more")
    if not args.folder.is_dir():
        raise SystemExit(f"error: the clinic folder {args.folder} does not exist")
    book = args.book.resolve()
    _check_book(book)
    files = clinic_files(args.folder)
    if not files:
        raise SystemExit(f"error: {args.folder} has no clinic files (*.yaml, *.yml, *.toml); "
                         "see clinics/example-clinic.yaml")
    mine = set(files)
    if shard:
        mine = set(select_shard(files, args.folder, *shard))
        if not mine:   # a CI matrix may have more shards than there are clinic files
            print(f"Clinic editions: shard {shard[0]}/{shard[1]} has no clinic files "
                  f"({len(files)} in {args.folder}); nothing to do.")
            return 0
    # Every shard reads and checks all the files: a duplicate slug is a clash between two
    # files that may sit in different shards. Each shard builds and reports only its own.
    everyone, failed = load_folder(args.folder, Glyphs(book))
    clinics = [c for c in everyone if c.path in mine]
    failed = {path: exc for path, exc in failed.items() if path in mine}
    # Editions that other shards build, maybe into this same output folder at this moment.
    theirs = {c.slug for c in everyone if c.path not in mine}
    chapters = sorted(p.relative_to(book).as_posix() for p in (book / "chapters").glob("*.html"))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    jobs, staging = [], {}
    for clinic in clinics:
        staging[clinic.slug] = out / f".{clinic.slug}.partial"
        shutil.rmtree(staging[clinic.slug], ignore_errors=True)
        jobs += plan(clinic, args.products, chapters, staging[clinic.slug])
    errors = {}
    workers = max(1, min(args.jobs, len(jobs)))
    for (clinic, _kind, _rel, target), problem in _run(jobs, workers, book, args.timeout,
                                                         not args.no_progress):
        if problem:
            errors.setdefault(clinic.path, []).append(f"{target.name}: {problem}")

    written = []
    for clinic in clinics:
        final = out / clinic.slug
        if clinic.path in errors:
            failed[clinic.path] = ClinicError(clinic.path, errors[clinic.path], clinic.slug)
            shutil.rmtree(staging[clinic.slug], ignore_errors=True)
            continue
        shutil.rmtree(final, ignore_errors=True)
        if staging[clinic.slug].exists():
            staging[clinic.slug].rename(final)
            written.append((clinic, sorted(final.rglob("*.pdf"))))
    # A failed clinic keeps no out-of-date edition from an earlier run, unless its slug is
    # that of a good clinic (which a failed file with a problem in another field can share),
    # here or in another shard: that edition is the other clinic's.
    made = {clinic.slug for clinic, _ in written}
    for exc in failed.values():
        if exc.slug and exc.slug not in made and exc.slug not in theirs:
            shutil.rmtree(out / exc.slug, ignore_errors=True)
    which = f", shard {shard[0]}/{shard[1]} ({len(mine)} of {len(files)} files)" if shard else ""
    _summary(written, failed, which)
    return 1 if failed else 0


def _summary(written, failed, which=""):
    print(f"\nClinic editions{which}: {len(written)} written, {len(failed)} failed.")
    for clinic, pdfs in written:
        print(f"  {clinic.path}:")
        for pdf in pdfs:
            print(f"      {pdf}")
        for note in clinic.notes:
            print(f"    note: {clinic.path}: {note}")
    for path, exc in sorted(failed.items()):
        print(f"  FAILED {path} (no PDF written):", file=sys.stderr)
        for problem in exc.problems:
            print(f"    {path}: {problem}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
