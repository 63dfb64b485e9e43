"""Clinic editions in another language (issue 18, point 4): a clinic file's ``language``
(one code or a list; the book's own language when left out) gives the clinic its editions
in that language, built from the book's catalogs with ``language`` set, into
``OUT/<slug>-<language>/``. And the print fit test with Spanish clinic details on the
real book (point 6).

The tiny root ``test-i18n`` (an English book with its Spanish catalogs) is built once with
the handout builder; each test runs clinic editions against it.
"""

import re
import subprocess
import sys

import pikepdf
import pytest

import pdfread
import test_fit
from conftest import ROOT
from patientpress.clinics import schema as clinicfile, editions
from patientpress import i18n
from patientpress.clinics import command as clinics
from patientpress.book import words
from test_clinics import folder_with, run, squash, text_of_half

RIO = """\
name: Clínica del Río
address:
  - Calle del Río 12
  - Colonia Centro, Ciudad de México
phone: "+52 55 5555 0100"
web: https://rio.example.org/
hours:
  - Lunes a viernes, de 8:00 a 17:00
logo: logo.svg
reviewed_by: "Dra. Ana Ruiz, neuróloga"
feedback: "Pregunte en la recepción"
large_print: true
"""
SLUG = "clinica-del-rio"
#: The print theme's fixed phrases in English (the short joining words aside), and their
#: Spanish from our catalog, as the editions print them.
ENGLISH = [piece.strip() for text in words.PATIENT.values() if isinstance(text, str)
           for piece in re.split(r"\{\w+\}", text) if len(piece.strip()) > 4]
SPANISH = ["Información para pacientes", "Se lo entregó:", "Teléfono:", "Horario:",
           "Su clínica:", "Antes de irse",
           "Revisado para Clínica del Río por Dra. Ana Ruiz, neuróloga.",
           "¿Tiene preguntas o comentarios sobre esta guía? Pregunte en la recepción"]


@pytest.fixture
def guide(built_root):
    """The command-line arguments that name the tiny translated book and the doctrees of
    its English handout build (the Spanish ones go to ``_build/es/doctrees`` beside them,
    the Makefile's layout, made by the first Spanish edition)."""
    result = built_root("handout", "i18n")
    assert result.warnings == "", result.warnings
    src = result.outdir.parent.parent / "src"
    return ["--source", str(src), "--conf", str(src), "--doctrees", str(result.doctreedir)]


def english_in(text):
    return [p for p in ENGLISH if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


def pdfs(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))


# -- the language field -----------------------------------------------------------------

@pytest.mark.parametrize("written, language", [
    ("", ()), ("language: es\n", ("es",)), ("language: [en, es]\n", ("en", "es")),
    ("language: [es, es]\n", ("es",)), ("language: pt_BR\n", ("pt_BR",)),
])
def test_the_language_field_reads_one_code_or_a_list(tmp_path, written, language):
    folder = folder_with(tmp_path, {"rio.yaml": RIO + written})
    clinic = clinicfile.load_clinic(folder / "rio.yaml", clinicfile.Glyphs())
    assert clinic.language == language
    assert clinic.languages("en") == ("en",) if not language else language
    assert [clinic.folder(lang, "en") for lang in ("en", "es")] == [SLUG, f"{SLUG}-es"]


@pytest.mark.parametrize("written, message", [
    ("language: es-MX", "'language' has 'es-MX', which is not a language code. "
                        "Fix: language: es_MX"),
    ("language: ES", "'language' has 'ES', which is not a language code. Fix: language: es"),
    ("language: Spanish", "'language' has 'Spanish', which is not a language code. Fix: "
                          "write a code such as es, en or pt_BR, e.g. language: es"),
    ("language: []", "'language' is empty. Fix: language: es, or leave it out for the "
                     "book's own language"),
    ("language: 5", "'language' must be a language code, such as es, or a list of them, "
                    "such as [en, es], not 5. Fix: language: es"),
    ("language: [en, 5]", "'language' must be a language code, such as es, or a list of "
                          "them, such as [en, es], not ['en', 5]. Fix: language: es"),
])
def test_a_bad_language_value_is_named_with_the_fix(tmp_path, written, message):
    folder = folder_with(tmp_path, {"rio.yaml": RIO + written + "\n"})
    with pytest.raises(clinicfile.ClinicError) as caught:
        clinicfile.load_clinic(folder / "rio.yaml", clinicfile.Glyphs())
    assert caught.value.problems == [message]
    assert str(caught.value) == f"{folder / 'rio.yaml'}: {message}"


def test_an_edition_name_two_clinics_would_share_fails_both(tmp_path):
    # Clínica del Río in Spanish and a clinic whose own slug is clinica-del-rio-es.
    folder = folder_with(tmp_path, {
        "rio.yaml": RIO + "language: [en, es]\n",
        "other.yaml": RIO.replace("Clínica del Río", "Otra") + f"slug: {SLUG}-es\n"})
    good, failed = clinicfile.load_folder(folder, clinicfile.Glyphs(), "en")
    assert good == [] and sorted(failed) == [folder / "other.yaml", folder / "rio.yaml"]
    assert failed[folder / "rio.yaml"].problems == [
        f"the clinics in other.yaml, rio.yaml all get the file name '{SLUG}-es'. Fix: give "
        "each a different name, or add a different slug: line to each"]


# -- editions in Spanish -------------------------------------------------------------------

def test_a_spanish_clinic_gets_spanish_editions(tmp_path, capsys, guide):
    folder = folder_with(tmp_path, {"rio.yaml": RIO + "language: es\n"})
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, folder, guide, out)
    assert code == 0, stderr
    edition = out / f"{SLUG}-es"
    assert pdfs(out) == [f"{SLUG}-es/{SLUG}-es-{kind}.pdf"
                         for kind in ("booklet", "handout", "large-print")]
    assert "1 written, 0 failed" in stdout and f"{folder / 'rio.yaml'} (es):" in stdout
    assert f"{edition / (SLUG + '-es-handout.pdf')}" in stdout
    for pdf in (edition / f"{SLUG}-es-handout.pdf", edition / f"{SLUG}-es-large-print.pdf"):
        pages = [squash(p) for p in pdfread.page_texts(pdf)]
        whole = " ".join(pages)
        assert pages[0].startswith("Información para pacientes"), pages[0]
        assert "Guía pequeña Una guía corta Última revisión: noviembre de 2026" in pages[0]
        for phrase in ("Se lo entregó: Clínica del Río", "Teléfono: +52 55 5555 0100",
                       "Horario: Lunes a viernes, de 8:00 a 17:00", "Sitio web:"):
            assert phrase in pages[0], (pdf.name, phrase)
        assert pages[-1].startswith("Antes de irse"), pages[-1]
        for phrase in SPANISH:
            assert phrase in whole, (pdf.name, phrase)
        assert f"Página 2 de {len(pages)}" in pages[1]
        assert "Mire sus pies todos los días." in whole and "Look at your feet" not in whole
        assert english_in(whole) == [], pdf.name
        with pikepdf.open(pdf) as doc:
            assert str(doc.Root.Lang) == "es"
            assert str(doc.docinfo["/Title"]).startswith("Guía pequeña")
    booklet = edition / f"{SLUG}-es-booklet.pdf"   # sheet 1: back page | cover
    back, cover = squash(text_of_half(booklet, 1, "left")), squash(text_of_half(booklet, 1, "right"))
    assert cover.startswith("Información para pacientes Guía pequeña") and "Se lo entregó:" in cover
    assert back.startswith("Antes de irse Su clínica: Clínica del Río"), back
    assert english_in(squash(pdfread.text(booklet))) == []


def test_a_clinic_may_ask_for_both_languages(tmp_path, capsys, guide):
    folder = folder_with(tmp_path, {"rio.yaml": RIO + "language: [es, en]\n"})
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, folder, guide, out, "--products", "book")
    assert code == 0, stderr
    assert pdfs(out) == [f"{SLUG}-es/{SLUG}-es-handout.pdf", f"{SLUG}/{SLUG}-handout.pdf"]
    assert "2 written, 0 failed" in stdout
    assert stdout.index(f"{folder / 'rio.yaml'} (en):") < stdout.index(f"{folder / 'rio.yaml'} (es):")
    english = squash(pdfread.text(out / SLUG / f"{SLUG}-handout.pdf"))
    spanish = squash(pdfread.text(out / f"{SLUG}-es" / f"{SLUG}-es-handout.pdf"))
    assert "Given to you by: Clínica del Río" in english and "Tiny Guide" in english
    assert "Se lo entregó: Clínica del Río" in spanish and "Guía pequeña" in spanish
    assert "Se lo entregó" not in english and english_in(spanish) == []


def test_a_bad_or_missing_language_fails_that_clinic_alone(tmp_path, capsys, guide):
    lake = RIO.replace("Clínica del Río", "Lake Clinic")
    folder = folder_with(tmp_path, {
        "rio.yaml": RIO + "language: Spanish\n",
        "lake.yaml": lake + "language: [en, fr]\n",   # the book has no French
        "hill.yaml": RIO.replace("Clínica del Río", "Clínica del Cerro") + "language: es\n"})
    out = tmp_path / "out"
    older = [f"{SLUG}/{SLUG}-handout.pdf", f"{SLUG}-es/{SLUG}-es-handout.pdf",
             "lake-clinic-fr/lake-clinic-fr-handout.pdf", "lake-clinic/old.pdf"]
    for name in older:   # editions from an earlier run
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(b"%PDF")
    code, stdout, stderr = run(capsys, folder, guide, out, "--products", "book")
    assert code == 1
    assert "2 written, 2 failed" in stdout
    said = squash(stderr)
    assert (f"FAILED {folder / 'rio.yaml'} (no PDF written): {folder / 'rio.yaml'}: 'language' "
            "has 'Spanish', which is not a language code.") in said
    assert (f"FAILED {folder / 'lake.yaml'} (only the editions listed above are written): "
            f"{folder / 'lake.yaml'}: 'language' asks for 'fr', but the book has no 'fr' "
            "translation (no fr/LC_MESSAGES/ folder of .po files in its locale_dirs); the "
            "book's languages are: en, es. Fix: language: es, or leave it out for en, or "
            "translate the book into 'fr' first") in said
    # The failed clinic's older editions are gone, in every language; Lake Clinic keeps
    # its English edition (made again), and loses only the French.
    assert pdfs(out) == ["clinica-del-cerro-es/clinica-del-cerro-es-handout.pdf",
                         "lake-clinic/lake-clinic-handout.pdf"]
    assert "Se lo entregó: Clínica del Cerro" in squash(pdfread.text(
        out / "clinica-del-cerro-es" / "clinica-del-cerro-es-handout.pdf", 1, 1))


@pytest.mark.parametrize("order", [("es", "en"), ("en", "es")])
def test_one_language_after_another_in_one_process(tmp_path, capsys, guide, order):
    """Sphinx keeps its translations process-wide: an English run after a Spanish one
    (each reading the sources: fresh doctrees) must print English, and the other way."""
    source, conf = guide[1], guide[3]
    texts = {}
    for language in order:
        (tmp_path / language).mkdir()
        folder = folder_with(tmp_path / language, {"rio.yaml": RIO + f"language: {language}\n"})
        out = tmp_path / language / "out"
        book = ["--source", source, "--conf", conf,
                "--doctrees", str(tmp_path / language / "doctrees")]
        code, _, stderr = run(capsys, folder, book, out, "--products", "book")
        assert code == 0, stderr
        texts[language] = squash(pdfread.text(next(out.rglob("*-handout.pdf"))))
    assert "Tiny Guide" in texts["en"] and "Look at your feet every day." in texts["en"]
    assert "Given to you by:" in texts["en"] and "Guía pequeña" not in texts["en"]
    assert "Guía pequeña" in texts["es"] and "Mire sus pies todos los días." in texts["es"]
    assert english_in(texts["es"]) == []


# -- the print fit test with Spanish clinic details, on the real book ---------------------

# Long Spanish details: a name on two lines, three address lines, a wide logo, a QR target
# and a reviewer. The handout holds them on its cover and back page.
LARGO = """\
name: "Clínica Regional de Nervios Periféricos y del Pie de San Miguel {paper}"
address:
  - Edificio C, tercer piso, consultorio 310
  - Avenida de los Insurgentes Sur 1234
  - Colonia del Valle, 03100 Ciudad de México
phone: "+52 55 5555 0100 ext. 4321"
web: https://www.clinica-san-miguel.example.org/pacientes/
hours:
  - Lunes a jueves, de 7:30 a 18:30
  - Viernes, de 7:30 a 16:00
logo: wide.svg
paper: {paper}
language: es
qr: https://www.clinica-san-miguel.example.org/guias/neuropatia/
reviewed_by: "Dra. María Fernanda Gutiérrez, neuróloga"
"""
# Details the size of clinics/example-clinic.yaml's, in Spanish, in both languages: large
# print and the booklet give the clinic box less room.
MEDIO = """\
name: "Clínica del Pie y los Nervios {paper}"
address:
  - Calle del Río 12, local 4
  - 28013 Madrid
phone: "+34 910 555 010"
web: https://clinica-rio.example.es/
hours:
  - Lunes a viernes, de 8:00 a 17:00
  - Sábados, de 9:00 a 12:00
logo: example.svg
paper: {paper}
large_print: true
language: [en, es]
"""
TITLE = "Neuropatía periférica y células madre"
PHONES = {"clinica-regional": "+52 55 5555 0100 ext. 4321", "clinica-del-pie": "+34 910 555 010"}


def _batch(folder, work, *products):
    """Clinic editions of the real book, as `make clinics` runs them."""
    proc = subprocess.run([sys.executable, "-m", "patientpress.clinics", str(folder),
                           "--source", str(ROOT / "docs"), "--conf", str(ROOT),
                           "--doctrees", str(work / "doctrees"), "--out", str(work / products[0]),
                           "--no-progress", "--products", *products],
                          capture_output=True, text=True)
    return proc.returncode, work / products[0], proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def spanish_editions(tmp_path_factory):
    """The real book's clinic editions on Letter and A4: LARGO's handouts, and MEDIO's
    large print and booklets in English and Spanish; {product: (exit status, output
    folder, stdout, stderr)}. The Spanish sources are read once, for both batches."""
    work = tmp_path_factory.mktemp("fit-es")
    for name, text in (("largo", LARGO), ("medio", MEDIO)):
        (work / name).mkdir()
        (work / name / "wide.svg").write_text(test_fit.svg(600, 100))
        (work / name / "example.svg").write_bytes((ROOT / "clinics/logos/example.svg").read_bytes())
        for paper in test_fit.PAPERS:
            (work / name / f"{name}-{paper}.yaml").write_text(text.format(paper=paper),
                                                              encoding="utf-8")
    return {"book": _batch(work / "largo", work, "book"),
            "large-print": _batch(work / "medio", work, "large-print", "booklet")}


@pytest.fixture
def spanish_notes(monkeypatch):
    """test_fit's notes pages, by their Spanish headings."""
    monkeypatch.setattr(test_fit, "NOTES", tuple(
        i18n.gettext("es", words.PATIENT[name]) for name in ("notes", "notes_questions")))
    return test_fit.NOTES


def phone_of(pdf):
    return next(phone for start, phone in PHONES.items() if pdf.name.startswith(start))


def layout_problems(pdf, outline_of=None):
    """test_fit's ``book_problems``, with the contents list found by its Spanish heading
    (test_fit looks for "Contents")."""
    outline_of = outline_of or pdf
    pages = test_fit.page_words(pdf, booklet_sheets=outline_of != pdf)
    titles, heading = test_fit.contents_of(outline_of), i18n.gettext("es", "Contents")
    problems = test_fit.layout_problems(pages, headings=test_fit.headings_of(outline_of))
    if not any(heading in words and all(t in " ".join(words) for t in titles) for words in pages):
        problems.append(f"the contents ({', '.join(titles)}) are not on one page")
    return problems


def spanish_book_problems(pdf):
    """test_fit's checks of a whole book or its large print, in Spanish: no spill, no
    layout problem, the Spanish cover and back page with the clinic's phone, no English."""
    pages = [squash(p) for p in pdfread.page_texts(pdf)]
    phone, problems = phone_of(pdf), editions.spill(pdf) + layout_problems(pdf)
    if not (pages[0].startswith("Información para pacientes") and TITLE in pages[0]
            and "Se lo entregó:" in pages[0] and phone in pages[0]):
        problems.append(f"the cover is not the Spanish one with the clinic: {pages[0][:200]}")
    if not (pages[-1].startswith("Antes de irse") and phone in pages[-1]):
        problems.append(f"the back page is not the Spanish one with the clinic: {pages[-1][:200]}")
    problems += [f"English: {p}" for p in english_in(" ".join(pages))]
    with pikepdf.open(pdf) as doc:
        if str(doc.Root.get("/Lang")) != "es":
            problems.append(f"/Lang is {doc.Root.get('/Lang')}")
    return problems


def booklet_problems(pdf, handout, notes_titles):
    """test_fit's checks of a booklet (``handout``: the same book unimposed, for its
    outline): no layout problem, a page count that is a multiple of four, made up by notes
    pages (the first for questions to the doctor) just before the back cover, and covers
    with the clinic's phone."""
    pages = test_fit.page_words(pdf, booklet_sheets=True)
    problems = layout_problems(pdf, outline_of=handout)
    notes = [n for n, page in enumerate(pages) if test_fit.is_notes(page)]
    if len(pages) % 4:
        problems.append(f"{len(pages)} pages, not a multiple of four")
    if notes != list(range(len(pages) - 1 - len(notes), len(pages) - 1)) or len(notes) > 3:
        problems.append(f"notes pages {notes} are not the last before the back cover")
    if notes and " ".join(pages[notes[0]]) != notes_titles[1]:
        problems.append(f"the first notes page is not {notes_titles[1]!r}")
    back, cover = squash(text_of_half(pdf, 1, "left")), squash(text_of_half(pdf, 1, "right"))
    if not (back.startswith(notes_titles[2]) and phone_of(pdf) in back):
        problems.append(f"the back cover is not whole: {back[:200]}")
    if not (cover.startswith(notes_titles[3]) and phone_of(pdf) in cover):
        problems.append(f"the cover is not whole: {cover[:200]}")
    return problems


@pytest.mark.slow
@pytest.mark.book
def test_spanish_handouts_with_long_clinic_details_fit(spanish_editions):
    code, out, stdout, stderr = spanish_editions["book"]
    assert code == 0, stdout + stderr
    handouts = sorted(out.rglob("*.pdf"))
    assert [p.parent.name for p in handouts] == [
        f"clinica-regional-de-nervios-perifericos-y-del-pie-de-san-miguel-{paper}-es"
        for paper in sorted(test_fit.PAPERS)]
    for pdf in handouts:
        assert spanish_book_problems(pdf) == [], pdf
        # On the cover, or (set tight) on the back page only, or on the clinic's page inside
        # the cover (roomy.css).
        pages = [squash(page) for page in pdfread.page_texts(pdf)]
        shown = " ".join([pages[0], pages[-1]] + pages[1:2] * pages[1].startswith("Su clínica"))
        assert "Horario:" in shown, pdf
        assert all(test_fit.printed(line, shown) for line in
                   ("Lunes a jueves, de 7:30 a 18:30", "Viernes, de 7:30 a 16:00")), shown


@pytest.mark.slow
@pytest.mark.book
def test_spanish_large_print_and_booklets_fit_where_the_english_do(spanish_editions,
                                                                     spanish_notes):
    code, out, stdout, stderr = spanish_editions["large-print"]
    english = sorted(p for p in out.rglob("*.pdf") if "-es" not in p.parent.name)
    assert len(english) == 4, stdout + stderr   # the control: English fits (test_fit.py)
    spanish = sorted(p for p in out.rglob("*.pdf") if p.parent.name.endswith("-es"))
    assert code == 0 and len(spanish) == 4, stdout + stderr
    titles = (*spanish_notes, "Antes de irse", "Información para pacientes")
    for pdf in spanish:
        if pdf.name.endswith("-booklet.pdf"):
            handout = pdf.with_name(pdf.name.replace("-booklet.pdf", "-large-print.pdf"))
            assert booklet_problems(pdf, handout, titles) == [], pdf
        else:
            assert spanish_book_problems(pdf) == [], pdf
