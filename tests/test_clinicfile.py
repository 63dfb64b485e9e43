"""Clinic files read and checked in-process (patientpress.clinics.schema): each bad file gets
the exact message a user reads, and every problem of a file is reported together."""

import pytest

from patientpress.clinics import schema as clinicfile

# The other shapes of test_clinics.py's file: address as a list, hours as text.
GOOD = """\
name: Riverside Foot Clinic
address: ["12 River Road", "Springfield"]
phone: "+1 555 0100"
web: https://riverside.example.org/
hours: Monday to Friday, 8 am to 5 pm
"""


@pytest.fixture(scope="module")
def glyphs():
    """What the print fonts can draw."""
    return clinicfile.Glyphs()


def problems(tmp_path, glyphs, text, name="clinic.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(clinicfile.ClinicError) as caught:
        clinicfile.load_clinic(path, glyphs)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value.problems


def test_a_good_file_reads_into_a_clinic(tmp_path, glyphs):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    path = tmp_path / "riverside.yaml"
    path.write_text(GOOD + "logo: ' logo.svg '\npaper: A4\nlarge_print: true\n"
                    'qr: "https://riverside.example.org/q"\nslug: riverside\n', encoding="utf-8")
    clinic = clinicfile.load_clinic(path, glyphs)
    assert clinic == clinicfile.Clinic(
        path=path, slug="riverside", name="Riverside Foot Clinic",
        address=["12 River Road", "Springfield"], phone="+1 555 0100",
        web="https://riverside.example.org/", hours=["Monday to Friday, 8 am to 5 pm"],
        logo=(tmp_path / "logo.svg").resolve(), paper="a4", large_print=True,
        qr="https://riverside.example.org/q", needs_fallback=False, notes=[])


def test_defaults_and_a_slug_from_the_name(tmp_path, glyphs):
    path = tmp_path / "t.toml"
    path.write_text('name = "Zoë   Clinic"\naddress = ["1 Road", " "]\nphone = "1"\n'
                    'web = "http://z.example.org/"\n', encoding="utf-8")
    clinic = clinicfile.load_clinic(path, glyphs)
    assert (clinic.slug, clinic.name, clinic.address) == ("zoe-clinic", "Zoë Clinic", ["1 Road"])
    assert (clinic.hours, clinic.logo, clinic.paper, clinic.large_print, clinic.qr) == (
        [], None, "letter", False, "")


def test_arabic_script_needs_the_fallback_font_and_markup_gets_a_note(tmp_path, glyphs):
    path = tmp_path / "al-noor.yaml"
    path.write_text(GOOD.replace("Riverside Foot Clinic", "عيادة النور").replace(
        "Springfield", "<b>Springfield</b>"), encoding="utf-8")
    clinic = clinicfile.load_clinic(path, glyphs)
    assert clinic.slug == "al-noor" and clinic.needs_fallback
    assert clinic.notes == ["'address' looks like HTML or CSS; it is printed exactly as typed"]


BAD = {
    "typo": (GOOD.replace("phone:", "phnoe:"),
             ["unknown field 'phnoe': did you mean 'phone'?",
              "'phone' is missing. Fix: add it, e.g. phone: \"+1 555 0100\""]),
    "unknown-far": (GOOD + "colour: blue\n",
                    ["unknown field 'colour': the fields are: name, address, phone, web, "
                     "hours, logo, paper, large_print, qr, reviewed_by, feedback, slug, language"]),
    "number-key": (GOOD + "1: x\n",
                   ["unknown field '1': the fields are: name, address, phone, web, hours, "
                    "logo, paper, large_print, qr, reviewed_by, feedback, slug, language"]),
    "missing-and-empty": (GOOD.replace('"+1 555 0100"', "").replace(
        "https://riverside.example.org/", '" "'),
        ["'phone' is missing. Fix: add it, e.g. phone: \"+1 555 0100\"",
         "'web' is empty. Fix: fill it in, e.g. web: https://riverside.example.org/"]),
    "number": (GOOD.replace('"+1 555 0100"', "5550100"),
               ["'phone' must be text, not a number. Fix: put it in quotes: phone: \"5550100\""]),
    "bool": (GOOD.replace('"+1 555 0100"', "yes"),
             ["'phone' must be text, not true/false. Fix: put it in quotes: phone: \"True\""]),
    "list-of-numbers": (GOOD.replace("Monday to Friday, 8 am to 5 pm", "[1, 2]"),
                        ["'hours' must be text or a list of lines, not a list. "
                         "Fix: write it as: hours: \"Monday to Friday, 8 am to 5 pm\""]),
    "group": (GOOD.replace("Monday to Friday, 8 am to 5 pm", "{a: 1}"),
        ["line 5: hours: '{a: 1}' was read as a mapping, because of the ': ' in it. "
         "Fix: put the value in quotes: hours: \"{a: 1}\""]),
    "control": (GOOD.replace("+1 555 0100", "+1 555\\u0007 0100"),
                ["'phone' contains invisible control characters; retype it"]),
    "many-lines": (GOOD.replace('["12 River Road", "Springfield"]', '["a", "b", "c", "d", "e"]'),
                   ["'address' has 5 lines; the printed clinic box holds 4. Fix: join or "
                    "shorten lines, e.g. put the city and the postcode on one line"]),
    "long": (GOOD.replace("+1 555 0100", "1" * 41),
             ["'phone' is longer than 40 characters and would not fit in the clinic box; "
              "shorten it"]),
    "url": (GOOD.replace("https://riverside.example.org/", "www.riverside.org"),
            ["'web' must be a web address starting with http:// or https://, not "
             "'www.riverside.org'. Fix: web: https://www.riverside.org"]),
    "url-other": (GOOD + "qr: ftp://files.example.org/\n",
                  ["'qr' must be a web address starting with http:// or https://, not "
                   "'ftp://files.example.org/'. Fix: qr: https://clinic.example.org/"]),
    "paper": (GOOD + "paper: A3\n", ["'paper' must be 'letter' or 'a4', not 'A3'. Fix: paper: a4"]),
    "large-print": (GOOD + 'large_print: "yes"\n',
                    ["'large_print' must be true or false, not 'yes'. Fix: large_print: true"]),
    "slug": (GOOD + "slug: Riverside\n",
             ["'slug' must be lowercase letters, digits and hyphens, not 'Riverside'. "
              "Fix: slug: riverside-clinic"]),
    "logo-number": (GOOD + "logo: 5\n",
                    ["'logo' must be the path of an SVG or PNG file in the clinic folder, "
                     "e.g. logo: logos/riverside.svg, not a number"]),
    "logo-blank": (GOOD + 'logo: " "\n',
                   ["'logo' must be the path of an SVG or PNG file in the clinic folder, "
                    "e.g. logo: logos/riverside.svg"]),
    "cjk-and-paper": (GOOD.replace("Riverside Foot Clinic", "東京クリニック") + "paper: a5\n",
                      ["'name' has characters the print fonts cannot draw: '東' (U+6771), "
                       "'京' (U+4EAC), 'ク' (U+30AF), 'リ' (U+30EA), 'ニ' (U+30CB), "
                       "'ッ' (U+30C3). The handouts use Atkinson Hyperlegible (Latin letters) "
                       "and Noto Sans Arabic; write the text in Latin or Arabic script",
                       "'paper' must be 'letter' or 'a4', not 'a5'. Fix: paper: a4"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_gets_every_message_word_for_word(tmp_path, glyphs, case):
    text, expected = BAD[case]
    assert problems(tmp_path, glyphs, text) == expected


def test_a_file_without_a_name_fails_without_a_slug(tmp_path, glyphs):
    (tmp_path / "c.yaml").write_text("name: 5\naddress: x\nphone: '1'\nweb: https://a.org/\n")
    with pytest.raises(clinicfile.ClinicError) as caught:
        clinicfile.load_clinic(tmp_path / "c.yaml", glyphs)
    assert caught.value.slug is None
    assert caught.value.problems == [
        "'name' must be text, not a number. Fix: put it in quotes: name: \"5\""]


def test_a_bad_file_still_names_the_edition_it_replaces(tmp_path, glyphs):
    (tmp_path / "c.yaml").write_text(GOOD + "paper: A3\n")
    with pytest.raises(clinicfile.ClinicError) as caught:
        clinicfile.load_clinic(tmp_path / "c.yaml", glyphs)
    assert caught.value.slug == "riverside-foot-clinic"
