"""The fixed words of the print theme, as configuration: no patient words baked in.

``handout_preset`` picks a set: ``patient`` (a patient handout: "Patient information", a
box for the clinic that gives it out, "Before you go", the medical caution) or ``book`` (any
other book: no clinic box, no medical caution). ``handout_words`` changes any phrase of the
set, by name; a name that is not one is a configuration error that lists the names. The
print theme's ``page.html`` reads them as ``handout_words``. In a book built in another
language the phrases come from our message catalog (``i18n.py``).
"""

from sphinx.errors import ConfigError

from ..i18n import N_, gettext

PATIENT = {
    "kicker": N_("Patient information"),
    "chapter_kicker": N_("Patient handout from the guide"),
    "large_print": N_("Large print"),
    "contents": N_("Contents"),
    "reviewed": N_("Last reviewed:"),
    "written_by": N_("Written by"),
    "clinic_box": True,                # the clinic boxes on the cover and the back page
    "logo_alt": N_("Logo of"),
    "given_by": N_("Given to you by:"),
    "given_by_blank": N_("Clinic name and phone number"),
    "your_clinic": N_("Your clinic:"),
    "your_clinic_blank": N_("Name and phone number"),
    # The page inside the cover that holds a clinic's details when the cover cannot.
    "clinic_page": N_("Your clinic"),
    "phone": N_("Phone:"),
    "web": N_("Web:"),
    "hours": N_("Opening hours:"),
    "scan": N_("Scan the code with a phone camera to read this online, or type:"),
    "qr_alt": N_("QR code that opens the online edition at"),
    "back_title": N_("Before you go"),
    "take_questions": N_("Take your questions with you."),
    "checklist": N_("The checklist"),
    "checklist_use": N_("lists what to ask at your next visit."),
    "checklist_online": N_("The full guide has a checklist,"),
    "checked_for": N_("Checked for {clinic} by {reviewer}."),
    "feedback": N_("Questions or comments about this guide?"),
    "learn_more": N_("Where to learn more:"),
    "online": N_("this guide online, with any updates and its sources, at"),
    # Ruled pages that make up a booklet's or a chapter handout's page count.
    "notes": N_("Notes"),
    "notes_questions": N_("Questions for my doctor"),
    # A link out of a chapter handout: "(in the full guide: “Chapter”, online at …)".
    "in_full_guide": N_("in the full guide"),
    "online_at": N_("online at"),
    # A link to a heading several chapters share: “What you can do next” (in “Chapter”, page 9).
    "in_chapter": N_("in"),
    # The running foot: "Page 3 of 12".
    "page": N_("Page"),
    "page_of": N_("of"),
    # A cross-reference in print: Read “Heading” (page 9) next.
    "page_ref": N_("page"),
    # The quotation marks that set off a title a cross-reference names.
    "quote_open": N_("“"),
    "quote_close": N_("”"),
}
PRESETS = {
    "patient": PATIENT,
    "book": {**PATIENT, "kicker": "", "chapter_kicker": N_("From the book"),
             "clinic_box": False, "back_title": N_("About this book"),
             "take_questions": "", "feedback": N_("Questions or comments?"),
             "online": N_("this book online, with any updates, at"),
             "notes_questions": N_("Notes"),
             "in_full_guide": N_("in the full book")},
}


def words(config):
    """The print theme's words for this book, in its language: its preset (from our
    catalog), with its own changes (``handout_words``, from the book's)."""
    preset = {name: gettext(config.language, text) if isinstance(text, str) else text
              for name, text in PRESETS[config.handout_preset].items()}
    return {**preset, **config.handout_words}


def check(app, config):
    if config.handout_preset not in PRESETS:
        raise ConfigError(f"handout_preset must be one of {sorted(PRESETS)}, not "
                          f"{config.handout_preset!r} (set it in conf.py)")
    unknown = sorted(set(config.handout_words) - set(PATIENT))
    if unknown:
        raise ConfigError(f"handout_words: unknown phrase name(s) {unknown}; the names are: "
                          f"{', '.join(PATIENT)}")


def css_string(text):
    """``text`` as a CSS string literal, safe inside a ``<style>`` element."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
               .replace("<", "\\3c "))
    return f'"{escaped}"'


def add_words(app, pagename, templatename, context, doctree):
    context["handout_words"] = found = words(app.config)
    # The print stylesheets' generated words ("Page 3 of 12", " (page 9)"), for page.html.
    context["handout_css_words"] = {name: css_string(found[name]) for name in
                                    ("page", "page_of", "page_ref", "quote_open", "quote_close")}


def setup(app):
    app.add_config_value("handout_preset", "patient", "env", types=(str,))
    app.add_config_value("handout_words", {}, "env", types=(dict,))
    app.connect("config-inited", check)
    app.connect("html-page-context", add_words)
