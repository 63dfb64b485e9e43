"""The fixed words of the print theme, as configuration: no patient words baked in.

``handout_preset`` picks a set: ``patient`` (a patient handout: "Patient information", a
box for the clinic that gives it out, "Before you go", the medical caution) or ``book`` (any
other book: no clinic box, no medical caution). ``handout_words`` changes any phrase of the
set, by name; a name that is not one is a configuration error that lists the names. The
print theme's ``page.html`` reads them as ``handout_words``.
"""

from sphinx.errors import ConfigError

PATIENT = {
    "kicker": "Patient information",
    "chapter_kicker": "Patient handout from the guide",
    "large_print": "Large print",
    "contents": "Contents",
    "reviewed": "Last reviewed:",
    "written_by": "Written by",
    "clinic_box": True,                # the clinic boxes on the cover and the back page
    "logo_alt": "Logo of",
    "given_by": "Given to you by:",
    "given_by_blank": "Clinic name and phone number",
    "your_clinic": "Your clinic:",
    "your_clinic_blank": "Name and phone number",
    "phone": "Phone:",
    "web": "Web:",
    "hours": "Opening hours:",
    "scan": "Scan the code with a phone camera to read this online, or type:",
    "qr_alt": "QR code that opens the online edition at",
    "back_title": "Before you go",
    "take_questions": "Take your questions with you.",
    "checklist": "The checklist",
    "checklist_use": "lists what to ask at your next visit.",
    "checklist_online": "The full guide has a checklist,",
    "checked_for": "Checked for {clinic} by {reviewer}.",
    "feedback": "Questions or comments about this guide?",
    "learn_more": "Where to learn more:",
    "online": "this guide online, with any updates and its sources, at",
    # Ruled pages that make up a booklet's or a chapter handout's page count.
    "notes": "Notes",
    "notes_questions": "Questions for my doctor",
    # A link out of a chapter handout: "(in the full guide: “Chapter”, online at …)".
    "in_full_guide": "in the full guide",
    "online_at": "online at",
    # A link to a heading several chapters share: "What you can do next (in “Chapter”), page 9".
    "in_chapter": "in",
}
PRESETS = {
    "patient": PATIENT,
    "book": {**PATIENT, "kicker": "", "chapter_kicker": "From the book",
             "clinic_box": False, "back_title": "About this book",
             "take_questions": "", "feedback": "Questions or comments?",
             "online": "this book online, with any updates, at",
             "notes_questions": "Notes",
             "in_full_guide": "in the full book"},
}


def words(config):
    """The print theme's words for this book: its preset, with its own changes."""
    return {**PRESETS[config.handout_preset], **config.handout_words}


def check(app, config):
    if config.handout_preset not in PRESETS:
        raise ConfigError(f"handout_preset must be one of {sorted(PRESETS)}, not "
                          f"{config.handout_preset!r} (set it in conf.py)")
    unknown = sorted(set(config.handout_words) - set(PATIENT))
    if unknown:
        raise ConfigError(f"handout_words: unknown phrase name(s) {unknown}; the names are: "
                          f"{', '.join(PATIENT)}")


def add_words(app, pagename, templatename, context, doctree):
    context["handout_words"] = words(app.config)


def setup(app):
    app.add_config_value("handout_preset", "patient", "env", types=(str,))
    app.add_config_value("handout_words", {}, "env", types=(dict,))
    app.connect("config-inited", check)
    app.connect("html-page-context", add_words)
