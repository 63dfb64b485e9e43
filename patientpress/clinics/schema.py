"""Clinic files: reading and checking one clinic's details (``*.yaml``, ``*.yml``, ``*.toml``).

A clinic file with a problem fails alone, with a message naming the file, the field and
the fix (and a "did you mean" for a misspelt field); :func:`load_folder` reads a folder
of them and finds two clinics that would get the same file name. The fields are checked
by a pydantic model (:class:`Fields`); its errors are worded here, never shown as they are.
"""

import dataclasses
import difflib
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      StringConstraints, ValidationError)
from pydantic_core import PydanticCustomError

from ..print import fonts
from ..print import paper as paper_sizes
from .reader import ClinicError, read
from ..files import slugify

MAX_CHARS = {"name": 80, "phone": 40, "web": 200, "qr": 200, "address": 300, "hours": 300,
             "reviewed_by": 120, "feedback": 200}
#: What the print layout is shown to hold (tests/test_fit.py's clinic at the limits): the
#: lines of a field with several, on every product and paper, in large print too.
MAX_LINES = {"address": 4, "hours": 3}
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A language code as Sphinx takes it: ``es``, ``pt_BR``, ``zh_Hant``, ``sr_Latn_RS``.
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_[A-Z]{2}|_[0-9]{3})?$")


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
    reviewed_by: str = ""   # the clinician who checked the guide for this clinic
    feedback: str = ""      # how a patient sends the clinic questions or comments on it
    language: tuple = ()    # the languages of its editions; () is the book's own language
    needs_fallback: bool = False   # has Arabic-script text: add the fallback font
    notes: list = dataclasses.field(default_factory=list)

    def languages(self, source):
        """The languages of this clinic's editions, the book's own (``source``) first."""
        return tuple(sorted(self.language or (source,), key=lambda lang: lang != source))

    def folder(self, language, source):
        """The name of its edition in ``language`` (a folder, and its PDFs' first part):
        the slug in the book's own language, ``<slug>-<language>`` in another."""
        return self.slug if language == source else f"{self.slug}-{language}"


class Glyphs:
    """Which characters the print fonts can draw: the print font, or else the fallback."""

    def __init__(self):
        self.main = fonts.drawable()
        self.fallback = fonts.fallback_drawable()

    def missing(self, text):
        return list(dict.fromkeys(c for c in text if not c.isspace()
                                  and ord(c) not in self.main and ord(c) not in self.fallback))

    def needs_fallback(self, text):
        return any(ord(c) not in self.main and ord(c) in self.fallback for c in text)


# -- the schema: pydantic checks every field; the messages are ours ------------------

def _problem(message):
    # Our own words, carried through pydantic's error list (its template is never shown).
    return PydanticCustomError("clinic", "{message}", {"message": message})


def _lines(value, info):
    """Text or a list of lines as lines (spaces collapsed, blank lines dropped) that fit in
    the clinic box and that the print fonts (``info.context["glyphs"]``) can draw."""
    field, glyphs = info.field_name, info.context["glyphs"]
    lines = [" ".join(v.split()) for v in (value.splitlines() if isinstance(value, str) else value)]
    if not (lines := [v for v in lines if v]):
        raise _problem(f"'{field}' is empty. Fix: fill it in, e.g. {EXAMPLE[field]}")
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200c\u200d"
           for v in lines for c in v):
        raise _problem(f"'{field}' contains invisible control characters; retype it")
    if len(lines) > MAX_LINES.get(field, len(lines)):
        raise _problem(f"'{field}' has {len(lines)} lines; the printed clinic box holds "
                       f"{MAX_LINES[field]}. Fix: join or shorten lines, e.g. put the city "
                       "and the postcode on one line")
    if sum(map(len, lines)) > MAX_CHARS[field]:
        raise _problem(f"'{field}' is longer than {MAX_CHARS[field]} characters and would not "
                       "fit in the clinic box; shorten it")
    if missing := glyphs.missing("\n".join(lines)):
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:8])
        raise _problem(f"'{field}' has characters the print fonts cannot draw: {shown}. The "
                       "handouts use Atkinson Hyperlegible (Latin letters) and Noto Sans "
                       "Arabic; write the text in Latin or Arabic script")
    if re.search(r"<[A-Za-z/!]|[{}]", "\n".join(lines)):   # a note, not a problem
        info.context["notes"].append(f"'{field}' looks like HTML or CSS; it is printed "
                                     "exactly as typed")
    return lines


def _url(url, info):
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        guess = (f"https://{url}" if "://" not in url and "." in url and ":" not in url
                 else "https://clinic.example.org/")
        raise _problem(f"'{info.field_name}' must be a web address starting with http:// or "
                       f"https://, not {url!r}. Fix: {info.field_name}: {guess}")
    return url


def _logo(value, info):
    """The logo's resolved path: a PNG or SVG file of at most 2 MB in the clinic folder."""
    folder = info.context["folder"]
    path = (folder / value).resolve()
    if not path.is_relative_to(folder):
        raise _problem(f"'logo' points outside the clinic folder ({value}). Fix: copy the "
                       f"file into {folder} (e.g. logos/) and give its path from there")
    if not path.is_file():
        raise _problem(f"'logo' file {value} does not exist in {folder}. Fix: check the "
                       "spelling or copy the logo there")
    if (size := path.stat().st_size) > MAX_LOGO_BYTES:
        raise _problem(f"'logo' file {value} is {size / 1048576:.1f} MB; the limit is 2 MB. "
                       "Fix: export it smaller (a logo prints at most 45 x 22 mm)")
    if problem := _logo_image_problem(path, value):
        raise _problem(problem)
    return path


def _language_fix(code):
    """``code`` written as a language code should be (``es-MX`` -> ``es_MX``), or None."""
    parts = code.strip().replace("-", "_").split("_")
    parts = [parts[0].lower()] + [p.upper() if len(p) == 2 else p.title() for p in parts[1:]]
    fixed = "_".join(parts)
    return fixed if LANGUAGE_RE.match(fixed) else None


def _languages(value, info):
    """One language code or a list of them, as a tuple without repeats."""
    codes = [value] if isinstance(value, str) else value
    if not codes:
        raise _problem(f"'language' is empty. Fix: {EXAMPLE['language']}, or leave it out for "
                       "the book's own language")
    for code in codes:
        if not LANGUAGE_RE.match(code):
            fix = _language_fix(code)
            raise _problem(
                f"'language' has {code!r}, which is not a language code. Fix: "
                + (f"language: {fix}" if fix and fix != code
                   else "write a code such as es, en or pt_BR, e.g. language: es"))
    return tuple(dict.fromkeys(codes))


Lines = Annotated[list[str] | str, AfterValidator(_lines)]
Text = Annotated[str, AfterValidator(lambda value, info: _lines([value], info)[0])]
Url = Annotated[Text, AfterValidator(_url)]
Logo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_logo)]
Paper = Annotated[Literal[tuple(paper_sizes.SIZES)],
                  BeforeValidator(lambda v: v.lower() if isinstance(v, str) else v)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern)]
Languages = Annotated[str | list[str], AfterValidator(_languages)]


class Fields(BaseModel):
    """What a clinic file holds, in the order the messages name the fields: each with an
    example for the messages, and what it must be where that is not just text."""

    model_config = ConfigDict(strict=True, extra="forbid")   # "yes" is not true, 5 not text

    name: Text = Field(examples=['"Riverside Foot Clinic"'])
    address: Lines = Field(examples=["|\n  12 River Road\n  Springfield"])
    phone: Text = Field(examples=['"+1 555 0100"'])
    web: Url = Field(examples=["https://riverside.example.org/"])
    hours: Lines = Field([], examples=['"Monday to Friday, 8 am to 5 pm"'])
    logo: Logo = Field(None, examples=["logos/riverside.svg"],   # a Path once checked
                       description="the path of an SVG or PNG file in the clinic folder")
    paper: Paper = Field("letter", examples=["a4"], description="'letter' or 'a4'")
    large_print: bool = Field(False, examples=["true"], description="true or false")
    qr: Url = Field("", examples=["https://riverside.example.org/neuropathy-guide/"])
    reviewed_by: Text = Field("", examples=['"Dr Ana Ruiz, neurologist"'])
    feedback: Text = Field("", examples=['"Ask at the front desk, or call +1 555 0100"'])
    slug: Slug = Field(None, examples=["riverside-clinic"],
                       description="lowercase letters, digits and hyphens")
    language: Languages = Field((), examples=["es", "[en, es]"],
                                description="a language code, such as es, or a list of them, "
                                            "such as [en, es]")


FIELDS = Fields.model_fields
EXAMPLE = {field: f"{field}: {info.examples[0]}" for field, info in FIELDS.items()}
REQUIRED = tuple(field for field, info in FIELDS.items() if info.is_required())
TEXT_FIELDS = tuple(field for field in FIELDS if field != "large_print")
UNKNOWN = ("extra_forbidden", "invalid_key")
KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list",
         dict: "a group of fields"}


def _message(field, error, value):
    """Our words for one of pydantic's errors; ``value`` is the field as written."""
    kind = KINDS.get(type(value), type(value).__name__)
    if error["type"] == "clinic":
        return error["ctx"]["message"]
    if error["type"] in UNKNOWN:
        close = difflib.get_close_matches(str(field), FIELDS, n=1, cutoff=0.6)
        return f"unknown field '{field}': " + (f"did you mean '{close[0]}'?" if close
                                               else f"the fields are: {', '.join(FIELDS)}")
    if error["type"] == "missing":
        return f"'{field}' is missing. Fix: add it, e.g. {EXAMPLE[field]}"
    if field == "logo":
        return (f"'logo' must be {FIELDS['logo'].description}, e.g. {EXAMPLE['logo']}"
                + ("" if value is None or isinstance(value, str) else f", not {kind}"))
    if must := FIELDS[field].description:
        return f"'{field}' must be {must}, not {value!r}. Fix: {EXAMPLE[field]}"
    if value is None:
        return f"'{field}' is empty. Fix: fill it in, e.g. {EXAMPLE[field]}"
    shape = "text or a list of lines" if field in ("address", "hours") else "text"
    fix = (f'put it in quotes: {field}: "{value}"' if isinstance(value, (int, float, bool))
           else f"write it as: {EXAMPLE[field].splitlines()[0]}")
    return f"'{field}' must be {shape}, not {kind}. Fix: {fix}"


def _messages(errors, data, slips):
    """One message a field (a union reports each of its members), unknown fields first; a
    field read as a mapping keeps its own message."""
    first = {}
    for error in sorted(errors, key=lambda e: e["type"] not in UNKNOWN):
        if error["loc"][0] not in slips:
            first.setdefault(error["loc"][0], error)
    return [_message(field, error, data.get(field)) for field, error in first.items()]


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
    data, slips = read(path, TEXT_FIELDS)
    # A required field left empty is missing; an empty slug: is no slug.
    data = {k: v for k, v in data.items() if v is not None or k not in (*REQUIRED, "slug")}
    problems, notes = list(slips.values()), []
    try:
        fields = Fields.model_validate(data, context={
            "folder": path.parent.resolve(), "glyphs": glyphs, "notes": notes})
    except ValidationError as exc:
        problems += _messages(exc.errors(), data, slips)
    name = " ".join(data["name"].split()) if isinstance(data.get("name"), str) else ""
    if not name:
        raise ClinicError(path, problems)
    slug = data.get("slug")
    if not (isinstance(slug, str) and SLUG_RE.match(slug)):
        slug = slugify(name) or slugify(path.stem)
        if not slug:
            problems.append("no file name can be made from the clinic's name. Fix: add "
                            "slug: with Latin letters, e.g. slug: al-noor-clinic")
    if problems:
        raise ClinicError(path, problems, slug or None)
    shown = [fields.name, *fields.address, fields.phone, fields.web, *fields.hours, fields.qr,
             fields.reviewed_by, fields.feedback]
    return Clinic(path=path, slug=slug, **{k: v for k, v in fields if k != "slug"},
                  needs_fallback=glyphs.needs_fallback("\n".join(shown)), notes=notes)


def clinic_files(folder):
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".toml"))


def load_folder(folder, glyphs, source="en"):
    """All clinics of ``folder``: (good clinics, {file: ClinicError}). ``source`` is the
    book's own language: two clinics clash when any of their editions would get the same
    name (``riverside`` in Spanish and a clinic with the slug ``riverside-es``)."""
    good, failed = [], {}
    for path in clinic_files(folder):
        try:
            good.append(load_clinic(path, glyphs))
        except ClinicError as exc:
            failed[path] = exc
    by_name = {}
    for clinic in good:
        for language in clinic.languages(source):
            by_name.setdefault(clinic.folder(language, source), []).append(clinic)
    for name, same in by_name.items():
        if len(same) > 1:
            names = ", ".join(c.path.name for c in same)
            for clinic in same:
                failed[clinic.path] = ClinicError(clinic.path, slug=clinic.slug, problems=[
                    f"the clinics in {names} all get the file name '{name}'. Fix: give each a "
                    "different name, or add a different slug: line to each"])
    return [c for c in good if c.path not in failed], failed
