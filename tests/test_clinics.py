"""Clinic editions (patientpress.clinics) and booklets (patientpress.print.booklet).

A tiny book is built once with the handout builder; each test runs editions against it.
"""

import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import pdfread
from conftest import ROOT
from patientpress.print import booklet
from patientpress.clinics import schema as clinicfile
from patientpress.clinics import command as clinics

GOOD = """\
name: Riverside Foot Clinic
address: |
  12 River Road
  Springfield
phone: "+1 555 0100"
web: https://riverside.example.org/
hours:
  - Monday to Friday, 8 am to 5 pm
logo: logo.svg
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100">'
       '<rect width="300" height="100" fill="#003f7d"/></svg>')


def png(width, height, data=None, crc=zlib.crc32):
    """A PNG of the given size, written byte by byte so that a test can damage any part:
    signature, IHDR, one IDAT (grey rows unless data is given), IEND."""
    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + crc(body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height)) if data is None else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows) if data is None else data) + chunk(b"IEND", b""))


def wrong_idat_checksum(body):
    return zlib.crc32(body) ^ body.startswith(b"IDAT")


def test_png_helper_writes_a_png_pillow_accepts(tmp_path):
    (tmp_path / "logo.png").write_bytes(png(40, 20))
    assert clinicfile._logo_image_problem(tmp_path / "logo.png", "logo.png") is None


@pytest.fixture
def book(built_root):
    """The command-line arguments that name the tiny book: its sources and the doctrees of
    its handout build (built once per test run, shared with test_handout_builder.py), so
    an edition reads no source again."""
    result = built_root("handout", "book")
    assert result.warnings == "", result.warnings
    src = result.outdir.parent.parent / "src"
    return ["--source", str(src), "--conf", str(src), "--doctrees", str(result.doctreedir)]




def folder_with(tmp_path, files):
    folder = tmp_path / "clinics"
    folder.mkdir(exist_ok=True)
    (folder / "logo.svg").write_text(SVG)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(capsys, folder, book, out, *extra):
    code = clinics.main([str(folder), *book, "--out", str(out), "--no-progress",
                         "--jobs", "1", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def text_of_half(pdf, page, half):
    """Text of the left or right half of one sheet side of a booklet."""
    with pikepdf.open(pdf) as doc:
        width, height = (int(float(v)) for v in doc.pages[page - 1].MediaBox[2:])
    x = 0 if half == "left" else width // 2
    cmd = ["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "0",
           "-W", str(width // 2), "-H", str(height), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def squash(text):
    return " ".join(text.split())


# -- a good edition ---------------------------------------------------------------------

def test_edition_cover_and_back_page_carry_the_clinic(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"riverside.yaml": GOOD + "paper: a4\nlarge_print: true\n"})
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, folder, book, out, "--products", "book", "large-print",
                               "chapters")
    assert code == 0, stderr
    edition = out / "riverside-foot-clinic"
    assert sorted(p.relative_to(edition).as_posix() for p in edition.rglob("*.pdf")) == [
        "chapters/riverside-foot-clinic-01-first.pdf",
        "chapters/riverside-foot-clinic-02-second.pdf",
        "riverside-foot-clinic-handout.pdf", "riverside-foot-clinic-large-print.pdf"]
    assert "1 written, 0 failed" in stdout
    for pdf in edition.rglob("*.pdf"):
        # A chapter handout's title band names the clinic, its phone and web address; the
        # box after its text (before any ruled notes page) gives them all.
        pages = [p for p in pdfread.page_texts(pdf) if not p.lstrip().startswith("Notes")]
        band = pdf.parent.name == "chapters"
        named = ["Riverside Foot Clinic", "Phone: +1 555 0100", "https://riverside.example.org/"]
        full = [*named, "12 River Road", "Springfield", "Monday to Friday, 8 am to 5 pm"]
        for page, details in ((pages[0], named if band else full), (pages[-1], full)):
            for detail in details:
                assert detail in squash(page), (pdf.name, detail)
        assert "Clinic name and phone number" not in pages[0]
        info = pdfread.info(pdf)
        assert [round(v) for v in info["mediabox"]] == [0, 0, 595, 842]   # A4
    with pikepdf.open(edition / "riverside-foot-clinic-handout.pdf") as doc:
        alts = {str(o.get("/Alt")) for o in doc.objects
                if isinstance(o, pikepdf.Dictionary) and "/Alt" in o}
    assert "Logo of Riverside Foot Clinic" in alts


def test_edition_gets_the_handouts_pdf_ua_finishing(tmp_path, capsys, book):
    # The same finishing as the book's own handout (see test_a11y_pdf.py): running heads
    # are artifacts, one annotation per link, and links are described in words.
    folder = folder_with(tmp_path, {"riverside.yaml": GOOD})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book",
                          "booklet")
    assert code == 0, stderr
    edition = tmp_path / "out" / "riverside-foot-clinic"
    handout = edition / "riverside-foot-clinic-handout.pdf"
    assert pdfread.accessibility_problems(handout) == []
    furniture = {text for _, _, text, is_artifact in pdfread.text_sizes(handout) if is_artifact}
    assert "Page 2 of 5" in furniture and "Tiny Book" in furniture
    with pikepdf.open(handout) as doc:
        links = [(n, tuple(round(float(v)) for v in a.Rect), str(a.Contents))
                 for n, p in enumerate(doc.pages) for a in p.get("/Annots", [])]
    assert "Go to “Second Chapter Title”, page 4" in [words for _, _, words in links]
    assert len(links) == len(set(links))
    # A booklet loses its tags when imposed (pypdf keeps no structure tree), but its pages
    # are finished first, so its links keep their descriptions.
    with pikepdf.open(edition / "riverside-foot-clinic-booklet.pdf") as doc:
        described = [str(a.Contents) for p in doc.pages for a in p.get("/Annots", [])]
    assert described and all(d.startswith("Go to “") for d in described), described


def _word_height(pdf, word):
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    from lxml import html as lhtml

    for w in lhtml.fromstring(bbox.encode()).iter("word"):
        if w.text == word:
            return float(w.get("ymax")) - float(w.get("ymin"))
    raise AssertionError(f"{word} not on page 1 of {pdf}")


def test_large_print_edition_is_larger(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"riverside.yaml": GOOD + "large_print: true\n"})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book",
                          "large-print")
    assert code == 0, stderr
    edition = tmp_path / "out" / "riverside-foot-clinic"
    regular = _word_height(edition / "riverside-foot-clinic-handout.pdf", "Springfield")
    large = _word_height(edition / "riverside-foot-clinic-large-print.pdf", "Springfield")
    assert large / regular == pytest.approx(18 / 14, rel=0.05)


def test_clinic_qr_target_replaces_the_books(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"r.yaml": GOOD + "qr: https://riverside.example.org/guide/\n"})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book")
    assert code == 0, stderr
    cover = pdfread.text(tmp_path / "out" / "riverside-foot-clinic" /
                         "riverside-foot-clinic-handout.pdf", 1, 1)
    assert "https://riverside.example.org/guide/" in cover
    assert "tiny-book.example.org" not in cover


def test_clinic_reviewer_and_feedback_go_on_the_back_page(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"r.yaml": GOOD + 'reviewed_by: "Dr Ana Ruiz, neurologist"\n'
                                                   'feedback: "Ask at the front desk"\n'})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book")
    assert code == 0, stderr
    pages = pdfread.page_texts(tmp_path / "out" / "riverside-foot-clinic" /
                               "riverside-foot-clinic-handout.pdf")
    back = squash(pages[-1])
    assert "Checked for Riverside Foot Clinic by Dr Ana Ruiz, neurologist." in back
    assert "Questions or comments about this guide? Ask at the front desk" in back
    assert "Dr Ana Ruiz" not in squash(pages[0])   # the cover stays short


def test_html_and_css_in_clinic_text_print_literally(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"x.yaml": """\
name: "<b>Bold</b> & Co"
address: "<style>*{display:none}</style>"
phone: "<img src=x onerror=alert(1)>"
web: https://x.example.org/?a=1&b=<i>
"""})
    code, stdout, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book")
    assert code == 0, stderr
    assert "looks like HTML or CSS; it is printed exactly as typed" in stdout
    slug = clinicfile.slugify("<b>Bold</b> & Co")
    cover = squash(pdfread.text(tmp_path / "out" / slug / f"{slug}-handout.pdf", 1, 1))
    for literal in ("<b>Bold</b> & Co", "<style>*{display:none}</style>",
                    "Phone: <img src=x onerror=alert(1)>"):
        assert literal in cover


@pytest.mark.parametrize("name, slug", [
    ("Clínica Ñandú", "clinica-nandu"),
    ("Zoë’s Foot Care", "zoes-foot-care"),
    ("Przychodnia Łódź", "przychodnia-lodz"),
])
def test_slugs_transliterate(name, slug):
    assert clinicfile.slugify(name) == slug


def test_non_latin_names_print_with_embedded_fonts(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {
        "nandu.yaml": GOOD.replace("Riverside Foot Clinic", "Clínica Ñandú, Zoë, Łódź"),
        "al-noor.yaml": GOOD.replace("Riverside Foot Clinic", "عيادة النور"),
    })
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book")
    assert code == 0, stderr
    latin = tmp_path / "out" / "clinica-nandu-zoe-lodz" / "clinica-nandu-zoe-lodz-handout.pdf"
    assert "Clínica Ñandú, Zoë, Łódź" in pdfread.text(latin, 1, 1)
    arabic = tmp_path / "out" / "al-noor" / "al-noor-handout.pdf"   # slug from the file name
    # Layout mode spaces out joined Arabic letters and adds bidi marks: compare the letters.
    shown = re.sub(r"[\s\u202a-\u202e]", "", pdfread.text(arabic, 1, 1))
    assert "عيادةالنور" in shown
    embedded = pdfread.fonts(arabic)
    assert any("Noto-Sans-Arabic" in f for f in embedded) and all(embedded.values())
    assert not any("Noto" in f for f in pdfread.fonts(latin))


# -- bad input ---------------------------------------------------------------------------

BAD = {
    "missing": (GOOD.replace('phone: "+1 555 0100"\n', ""),
                ["'phone' is missing", 'phone: "+1 555 0100"']),
    "empty": (GOOD.replace("name: Riverside Foot Clinic", 'name: "  "'),
              ["'name' is empty", "fill it in"]),
    "wrong-type": (GOOD.replace('"+1 555 0100"', "5550100"),
                   ["'phone' must be text, not a number", 'put it in quotes: phone: "5550100"']),
    "wrong-bool": (GOOD + 'large_print: "yes"\n',
                   ["'large_print' must be true or false", "large_print: true"]),
    "typo": (GOOD.replace("phone:", "phnoe:"),
             ["unknown field 'phnoe': did you mean 'phone'?", "'phone' is missing"]),
    "logo-missing": (GOOD.replace("logo.svg", "logos/nope.png"),
                     ["'logo' file logos/nope.png does not exist"]),
    "logo-not-image": (GOOD.replace("logo.svg", "notes.png"),
                       ["'logo' file notes.png is not a PNG or SVG image"]),
    "logo-jpeg": (GOOD.replace("logo.svg", "photo.png"),
                  ["'logo' file photo.png is not a PNG or SVG image. Fix: export the logo as PNG"]),
    "logo-damaged": (GOOD.replace("logo.svg", "damaged.png"),
                     ["'logo' file damaged.png is a damaged PNG. Fix: export it again"]),
    "logo-bad-checksum": (GOOD.replace("logo.svg", "checksum.png"),
                          ["'logo' file checksum.png is a damaged PNG. Fix: export it again"]),
    "logo-huge-pixels": (GOOD.replace("logo.svg", "huge.png"),
                         ["'logo' file huge.png is 5000 x 20 pixels; the limit is 4000"]),
    "logo-vast-pixels": (GOOD.replace("logo.svg", "vast.png"),
                         ["'logo' file vast.png has over 178956970 pixels; the limit is 4000 "
                          "pixels a side. Fix: scale it down"]),
    "logo-huge-bytes": (GOOD.replace("logo.svg", "big.svg"),
                        ["'logo' file big.svg is 2.1 MB; the limit is 2 MB"]),
    "logo-outside": (GOOD.replace("logo.svg", "../outside.svg"),
                     ["'logo' points outside the clinic folder (../outside.svg)", "copy the file"]),
    "logo-link-outside": (GOOD.replace("logo.svg", "link.svg"),
                          ["'logo' points outside the clinic folder (link.svg)"]),
    "web-javascript": (GOOD.replace("https://riverside.example.org/", "javascript:alert(1)"),
                       ["'web' must be a web address starting with http:// or https://, "
                        "not 'javascript:alert(1)'"]),
    "web-bare": (GOOD.replace("https://riverside.example.org/", "www.riverside.org"),
                 ["'web' must be a web address", "Fix: web: https://www.riverside.org"]),
    "qr-ftp": (GOOD + "qr: ftp://files.example.org/\n", ["'qr' must be a web address"]),
    "paper": (GOOD + "paper: A3\n", ["'paper' must be 'letter' or 'a4', not 'A3'"]),
    "malformed": ("name: [Riverside\nphone: 1\n", ["this is not valid YAML at line", "quote"]),
    "twice": (GOOD + "phone: \"2\"\n", ["the field 'phone' is given twice"]),
    "empty-file": ("", ["the file is empty"]),
    "not-a-mapping": ("- name: x\n", ["must be a list of 'field: value' lines"]),
    "cjk": (GOOD.replace("Riverside Foot Clinic", "東京クリニック"),
            ["'name' has characters the print fonts cannot draw: '東' (U+6771), '京' (U+4EAC)",
             "write the text in Latin or Arabic script"]),
    # An unquoted ': ' inside a value: YAML reads a mapping, or cannot read the line at all.
    "colon-in-list-item": (GOOD.replace("- Monday to Friday,", "- Monday:"),
                           ["line 8: hours: 'Monday: 8 am to 5 pm' was read as a mapping",
                            'Fix: put the line in quotes: - "Monday: 8 am to 5 pm"']),
    "colon-in-field": (GOOD.replace('phone: "+1 555 0100"', "phone: Call: 555"),
                       ["line 5: phone: 'Call: 555' has ': ' inside its value",
                        'Fix: put the value in quotes: phone: "Call: 555"']),
    "colon-in-field-below": (GOOD.replace('phone: "+1 555 0100"', "phone:\n  Call: 555"),
                             ["line 6: phone: 'Call: 555' was read as a mapping",
                              'Fix: put the value in quotes: phone: "Call: 555"']),
}
# Messages that a case must not give as well (the general one its own message replaces).
NOT_SAID = {"colon-in-list-item": ["'hours' must be", "not valid YAML"],
            "colon-in-field": ["not valid YAML"],
            "colon-in-field-below": ["'phone' must be", "not valid YAML"]}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_clinic_file_fails_alone_with_a_message(tmp_path, capsys, book, case):
    text, messages = BAD[case]
    folder = folder_with(tmp_path, {f"{case}.yaml": text})
    (folder / "notes.png").write_text("not an image")
    (folder / "huge.png").write_bytes(png(5000, 20))
    (folder / "damaged.png").write_bytes(png(40, 20, data=b"not zlib data"))
    (folder / "checksum.png").write_bytes(png(40, 20, crc=wrong_idat_checksum))
    (folder / "vast.png").write_bytes(png(30000, 30000, data=b""))  # never decoded
    Image.new("RGB", (40, 20), "navy").save(folder / "photo.png", format="JPEG")
    (folder / "big.svg").write_text(SVG[:-6] + "<!--" + "x" * (2200 * 1024) + "--></svg>")
    (tmp_path / "outside.svg").write_text(SVG)
    (folder / "link.svg").symlink_to(tmp_path / "outside.svg")
    out = tmp_path / "out"
    (out / "riverside-foot-clinic").mkdir(parents=True)           # an older edition
    (out / "riverside-foot-clinic" / "riverside-foot-clinic-handout.pdf").write_bytes(b"%PDF")
    code, stdout, stderr = run(capsys, folder, book, out)
    assert code == 1
    assert "0 written, 1 failed" in stdout
    for message in messages:
        assert f"{folder / (case + '.yaml')}: " in stderr
        assert message in stderr, stderr
    for message in NOT_SAID.get(case, []):
        assert message not in stderr, stderr
    if case not in ("malformed", "twice", "empty-file", "not-a-mapping", "empty", "cjk",
                    "colon-in-field"):
        # the older edition of this clinic is gone; nothing half-written is left
        assert not list(out.rglob("*.pdf")), list(out.rglob("*"))


def test_duplicate_slugs_fail_both(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"a.yaml": GOOD.replace("Riverside Foot Clinic", "Zoë Clinic"),
                                    "b.yaml": GOOD.replace("Riverside Foot Clinic", "Zoe Clinic")})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out")
    assert code == 1
    for name in ("a.yaml", "b.yaml"):
        assert (f"{folder / name}: the clinics in a.yaml, b.yaml all get the file name "
                "'zoe-clinic'. Fix: give each a different name, or add a different slug:") in stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_toml_clinic_file(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"t.toml": 'name = "Toml Clinic"\naddress = ["1 Road"]\n'
                                              'phone = "1"\nweb = "https://t.example.org/"\n',
                                    "bad.toml": 'name = "x\n'})
    code, stdout, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book")
    assert code == 1
    assert "this is not valid TOML" in stderr
    assert (tmp_path / "out" / "toml-clinic" / "toml-clinic-handout.pdf").is_file()


def test_batch_with_one_broken_clinic(tmp_path, capfd, book):
    folder = folder_with(tmp_path, {
        "one.yaml": GOOD,
        "two.yaml": GOOD.replace("Riverside Foot Clinic", "Hillside Clinic") + "paper: a4\n",
        "three.yaml": GOOD.replace("Riverside Foot Clinic", "Lakeside Clinic"),
        "broken.yaml": GOOD.replace("Riverside Foot Clinic", "Broken Clinic")
                           .replace("https://riverside.example.org/", "mailto:x@example.org"),
    })
    code = clinics.main([str(folder), *book, "--out", str(tmp_path / "out"),
                         "--jobs", "2", "--products", "book", "booklet"])
    captured = capfd.readouterr()
    assert code == 1
    assert "3 written, 1 failed" in captured.out
    assert f"FAILED {folder / 'broken.yaml'} (no PDF written)" in captured.err
    assert "Clinic editions: 100%" in captured.err          # the progress bar
    made = sorted(p.relative_to(tmp_path / "out").as_posix()
                  for p in (tmp_path / "out").rglob("*"))
    assert made == sorted([
        "hillside-clinic", "hillside-clinic/hillside-clinic-booklet.pdf",
        "hillside-clinic/hillside-clinic-handout.pdf",
        "lakeside-clinic", "lakeside-clinic/lakeside-clinic-booklet.pdf",
        "lakeside-clinic/lakeside-clinic-handout.pdf",
        "riverside-foot-clinic", "riverside-foot-clinic/riverside-foot-clinic-booklet.pdf",
        "riverside-foot-clinic/riverside-foot-clinic-handout.pdf"])
    assert "Hillside Clinic" in pdfread.text(tmp_path / "out" / "hillside-clinic" /
                                             "hillside-clinic-handout.pdf", 1, 1)


def test_render_failure_leaves_nothing(tmp_path, capsys, book):
    # An SVG logo that reaches for a file outside the sandbox: only the renderer can tell.
    folder = folder_with(tmp_path, {"r.yaml": GOOD.replace("logo.svg", "sneaky.svg")})
    (folder / "sneaky.svg").write_text(SVG.replace(
        "</svg>", '<image href="file:///etc/hostname" width="10" height="10"/></svg>'))
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "book",
                          "booklet")
    assert code == 1
    assert "the PDF renderer reported" in stderr and "refused to read /etc/hostname" in stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert not [p for p in (tmp_path / "out").iterdir()], "staging folder left behind"


def test_missing_book_is_explained(tmp_path, capsys):
    folder = folder_with(tmp_path, {"r.yaml": GOOD})
    with pytest.raises(SystemExit) as exc:
        clinics.main([str(folder), "--conf", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert str(exc.value) == (f"error: {tmp_path / 'nope' / 'conf.py'} does not exist: give "
                              "the folder of the book's conf.py with --conf")
    (tmp_path / "conf.py").write_text("")
    with pytest.raises(SystemExit) as exc:
        clinics.main([str(folder), "--conf", str(tmp_path), "--source", str(tmp_path / "nope"),
                      "--out", str(tmp_path)])
    assert "the book's source folder" in str(exc.value) and "--source" in str(exc.value)


def test_a_book_with_problems_stops_the_batch(tmp_path, capsys, rootdir):
    """The book itself is wrong (a broken reference): no edition, and the book's own
    message, naming its file, with the way to see it again."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-book", src)
    with (src / "chapters" / "01-first.md").open("a", encoding="utf-8") as f:
        f.write("\nSee {ref}`no-such-label`.\n")
    folder = folder_with(tmp_path, {"r.yaml": GOOD})
    with pytest.raises(SystemExit) as exc:
        clinics.main([str(folder), "--source", str(src), "--conf", str(src), "--doctrees",
                      str(tmp_path / "doctrees"), "--out", str(tmp_path / "out"),
                      "--no-progress"])
    assert "the book has problems; fix them first (make pdf)" in str(exc.value)
    assert "01-first.md" in str(exc.value) and "no-such-label" in str(exc.value)
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_help():
    proc = subprocess.run([sys.executable, "-m", "patientpress.clinics", "--help"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    for option in ("--source", "--conf", "--doctrees", "--out", "--jobs", "--products",
                   "--shard K/N"):
        assert option in proc.stdout


# -- shards: one batch on several machines -----------------------------------------------

SHARD_NAMES = [f"clinic-{i:03d}.{ext}" for i, ext in
               zip(range(57), ["yaml", "yml", "toml"] * 19)] + ["Zoë.yaml", "Łódź clinic.toml"]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 58, 59, 200])
def test_shards_partition_the_clinic_files(tmp_path, n):
    files = [tmp_path / name for name in SHARD_NAMES]
    shards = [clinics.select_shard(files, tmp_path, k, n) for k in range(1, n + 1)]
    assert sorted(f for shard in shards for f in shard) == sorted(files)   # each exactly once
    if n > len(files):
        assert [] in shards   # more shards than files: some are empty
    # The same shards whatever the order of the listing, or the folder's spelling.
    for k, shard in enumerate(shards, 1):
        assert clinics.select_shard(list(reversed(files)), tmp_path, k, n) == shard
        moved = [Path("elsewhere") / name for name in SHARD_NAMES]
        assert clinics.select_shard(moved, "elsewhere", k, n) == [
            Path("elsewhere") / f.name for f in shard]


def test_shard_of_is_the_same_on_every_machine():
    # Pinned: Python's salted hash() or a machine's file order would change these.
    assert [clinics.shard_of("riverside.yaml", n) for n in (2, 3, 4, 8)] == [2, 1, 4, 8]
    assert [clinics.shard_of("b.yaml", n) for n in (2, 3, 4, 8)] == [1, 3, 1, 5]
    # macOS may list a name decomposed (NFD), Linux composed (NFC); a path in any form.
    assert clinics.shard_of("zoe\u0308.yaml", 8) == clinics.shard_of("zo\u00eb.yaml", 8)
    assert clinics.shard_of(Path("sub") / "a.yaml", 8) == clinics.shard_of("sub/a.yaml", 8)


def test_adding_a_clinic_file_moves_no_other():
    before = {name: clinics.shard_of(name, 8) for name in SHARD_NAMES}
    for extra in ("new-clinic.yaml", "aaa.yaml", "zzz.toml"):
        after = {name: clinics.shard_of(name, 8) for name in [*SHARD_NAMES, extra]}
        assert {name: after[name] for name in SHARD_NAMES} == before


@pytest.mark.parametrize("value", ["0/3", "4/3", "x", "1/0", "0/0", "", "2", "1/2/3", "-1/3",
                                   "1.5/3", "a/b"])
def test_bad_shard_values_exit_2_with_the_form(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as exc:
        clinics.main([str(tmp_path), "--out", str(tmp_path / "out"), f"--shard={value}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == ("patientpress-clinics: error: --shard takes K/N with "
                                    f"1 ≤ K ≤ N, e.g. --shard 2/8, not {value!r}")
    assert not (tmp_path / "out").exists()
    assert clinics.parse_shard("2/8") == (2, 8) and clinics.parse_shard("3/3") == (3, 3)


def test_empty_shard_is_not_an_error(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"riverside.yaml": GOOD})
    assert clinics.shard_of("riverside.yaml", 4) == 4
    code, stdout, stderr = run(capsys, folder, book, tmp_path / "out", "--shard", "1/4")
    assert code == 0, stderr
    assert f"shard 1/4 has no clinic files (1 in {folder}); nothing to do" in stdout
    assert not list((tmp_path / "out").rglob("*"))


def _pdfs(out):
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


def test_two_shards_into_one_folder_make_every_edition(tmp_path, capsys, book):
    names = {"a.yaml": "Alder Clinic", "b.yaml": "Birch Clinic", "c.yaml": "Cedar Clinic",
             "d.yaml": "Dogwood Clinic"}
    assert {n: clinics.shard_of(n, 2) for n in names} == {"a.yaml": 2, "b.yaml": 1,
                                                        "c.yaml": 2, "d.yaml": 1}
    folder = folder_with(tmp_path, {n: GOOD.replace("Riverside Foot Clinic", clinic)
                                    for n, clinic in names.items()})
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, folder, book, out, "--products", "book", "--shard", "1/2")
    assert code == 0, stderr
    assert "Clinic editions, shard 1/2 (2 of 4 files): 2 written, 0 failed." in stdout
    first = _pdfs(out)
    assert sorted(first) == ["birch-clinic/birch-clinic-handout.pdf",
                             "dogwood-clinic/dogwood-clinic-handout.pdf"]
    code, stdout, stderr = run(capsys, folder, book, out, "--products", "book", "--shard", "2/2")
    assert code == 0, stderr
    both = _pdfs(out)
    assert sorted(both) == [f"{slug}/{slug}-handout.pdf" for slug in (
        "alder-clinic", "birch-clinic", "cedar-clinic", "dogwood-clinic")]
    assert {k: both[k] for k in first} == first   # shard 1's editions untouched
    # Run again, shard 1 after shard 2: it rewrites its own and leaves shard 2's.
    code, _, stderr = run(capsys, folder, book, out, "--products", "book", "--shard", "1/2")
    assert code == 0, stderr
    again = _pdfs(out)
    assert sorted(again) == sorted(both)
    assert all(again[k] == both[k] for k in both if k.startswith(("alder", "cedar")))
    assert "Birch Clinic" in pdfread.text(out / "birch-clinic" / "birch-clinic-handout.pdf", 1, 1)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []   # no staging left


def test_duplicate_slugs_in_different_shards_fail_both(tmp_path, capsys, book):
    # Every shard checks every file, so each shard reports the clash for its own file.
    assert (clinics.shard_of("a.yaml", 2), clinics.shard_of("b.yaml", 2)) == (2, 1)
    folder = folder_with(tmp_path, {"a.yaml": GOOD.replace("Riverside Foot Clinic", "Zoë Clinic"),
                                    "b.yaml": GOOD.replace("Riverside Foot Clinic", "Zoe Clinic")})
    for k, mine, theirs in ((1, "b.yaml", "a.yaml"), (2, "a.yaml", "b.yaml")):
        code, stdout, stderr = run(capsys, folder, book, tmp_path / "out", "--shard", f"{k}/2")
        assert code == 1
        assert f"shard {k}/2 (1 of 2 files): 0 written, 1 failed." in stdout
        assert (f"{folder / mine}: the clinics in a.yaml, b.yaml all get the file name "
                "'zoe-clinic'. Fix: give each a different name, or add a different slug:") in stderr
        assert f"FAILED {folder / mine} " in stderr and str(folder / theirs) not in stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_failed_clinic_keeps_another_shards_edition_of_its_slug(tmp_path, capsys, book):
    # b.yaml fails (bad web address) with the slug of good a.yaml in the other shard: as in
    # one run, the edition under that slug is a.yaml's and stays.
    assert (clinics.shard_of("a.yaml", 2), clinics.shard_of("b.yaml", 2)) == (2, 1)
    folder = folder_with(tmp_path, {
        "a.yaml": GOOD,
        "b.yaml": GOOD.replace("https://riverside.example.org/", "mailto:x@example.org")})
    out = tmp_path / "out"
    code, _, stderr = run(capsys, folder, book, out, "--products", "book", "--shard", "2/2")
    assert code == 0, stderr
    edition = _pdfs(out)
    assert list(edition) == ["riverside-foot-clinic/riverside-foot-clinic-handout.pdf"]
    code, _, stderr = run(capsys, folder, book, out, "--products", "book", "--shard", "1/2")
    assert code == 1
    assert f"FAILED {folder / 'b.yaml'} (no PDF written)" in stderr
    assert _pdfs(out) == edition


# -- booklets ----------------------------------------------------------------------------

def test_fold_order():
    assert booklet.fold_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet.padded_order(6) == [0, 1, 2, 3, 4, None, None, 5]   # back page stays last
    with pytest.raises(ValueError, match="multiple of 4"):
        booklet.fold_order(6)


@pytest.mark.parametrize("paper, sheet", [("letter", [792, 612]), ("a4", [842, 595])])
def test_booklet_page_order_and_sheet_size(tmp_path, capsys, book, paper, sheet):
    folder = folder_with(tmp_path, {"r.yaml": GOOD + f"paper: {paper}\n"})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "booklet")
    assert code == 0, stderr
    pdf = tmp_path / "out" / "riverside-foot-clinic" / "riverside-foot-clinic-booklet.pdf"
    with pikepdf.open(pdf) as doc:
        sizes = {tuple(round(float(v)) for v in p.MediaBox[2:]) for p in doc.pages}
        sides = len(doc.pages)
    assert sizes == {tuple(sheet)}
    assert sides % 2 == 0
    # Sheet 1, front: the back page (with the clinic) on the left, the cover on the right.
    left, right = text_of_half(pdf, 1, "left"), text_of_half(pdf, 1, "right")
    assert "Before you go" in left and "Riverside Foot Clinic" in left
    assert "Tiny Book" in right and "Riverside Foot Clinic" in right
    # Every half holds the page that fold order puts there: the cover (page 1, no
    # footer), the back cover (no folio either) or "Page k of N".
    count = sides * 2
    assert f"of {count}" not in squash(left)   # the back cover
    # Ruled notes pages made the count up (render.py): the imposition adds no blank.
    assert f"Page 2 of {count}" in squash(text_of_half(pdf, 1 + 1, "left") + " "
                                         + text_of_half(pdf, 1 + 1, "right"))
    padded = booklet.padded_order(count)
    for number, (left_pos, right_pos) in enumerate(booklet.fold_order(sides * 2), 1):
        for half, position in (("left", left_pos), ("right", right_pos)):
            found = squash(text_of_half(pdf, number, half))
            page = padded[position]
            if page is None:
                assert found == "", (number, half)
            elif page == 0:
                assert found.startswith("Patient information Tiny Book"), (number, half)
            elif page == count - 1:
                assert found.startswith("Before you go"), (number, half, found)
            else:
                assert f"Page {page + 1} of {count}" in found, (number, half, found)


def test_a_booklet_keeps_its_language_title_and_bookmarks(tmp_path, capsys, book):
    folder = folder_with(tmp_path, {"r.yaml": GOOD})
    code, _, stderr = run(capsys, folder, book, tmp_path / "out", "--products", "booklet")
    assert code == 0, stderr
    pdf = tmp_path / "out" / "riverside-foot-clinic" / "riverside-foot-clinic-booklet.pdf"
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en"
        assert str(doc.docinfo.Title).endswith(" (booklet)")
        sides = len(doc.pages)
    marks = pdfread.outline(pdf)
    assert [title for _, title, _ in marks][:1] == ["Tiny Book"] and len(marks) > 2, marks
    # Each bookmark leads to the sheet side that shows its page ("Before you go", the back
    # page, is on the left of sheet side 1, with the cover).
    assert all(1 <= page <= sides for _, _, page in marks), marks
    assert [page for _, title, page in marks if title == "Before you go"] == [1], marks


def test_a_bookmark_leads_to_the_sheet_side_of_its_page():
    order = booklet.padded_order(6)           # [0, 1, 2, 3, 4, None, None, 5]
    sides = booklet.fold_order(len(order))     # (7, 0), (1, 6), (5, 2), (3, 4)
    assert [booklet.sheet_side(order, page) for page in range(6)] == [0, 1, 2, 3, 3, 0]
    assert len(sides) == 4


# -- the example folder -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.book
def test_example_folder_whole_book(tmp_path):
    # The whole book and the example clinics, as `make clinics` builds them.
    proc = subprocess.run([sys.executable, "-m", "patientpress.clinics", str(ROOT / "clinics"),
                           "--source", str(ROOT / "docs"), "--conf", str(ROOT),
                           "--doctrees", str(tmp_path / "doctrees"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    editions = [(clinic, clinic.folder(language, "en"))
                for clinic in (clinicfile.load_clinic(path, clinicfile.Glyphs())
                               for path in clinicfile.clinic_files(ROOT / "clinics"))
                for language in clinic.languages("en")]
    assert "clinica-nandu-es" in {name for _, name in editions}   # a clinic in Spanish
    for clinic, name in editions:
        edition = tmp_path / "out" / name
        expected = {f"{name}-handout.pdf", f"{name}-booklet.pdf"}
        if clinic.large_print:
            expected.add(f"{name}-large-print.pdf")
        assert {p.name for p in edition.iterdir()} == expected
        for pdf in edition.iterdir():
            if pdf.name.endswith("-booklet.pdf"):   # sheet 1: back page | cover
                back, cover = text_of_half(pdf, 1, "left"), text_of_half(pdf, 1, "right")
            else:
                pages = pdfread.page_texts(pdf)
                cover, back = pages[0], pages[-1]
            for page in (cover, back):
                assert clinic.name in squash(page) and clinic.phone in page, pdf
