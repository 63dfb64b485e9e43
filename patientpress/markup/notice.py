"""The notice on every page: the book is general information, not medical advice, and when
it was last reviewed.

One source for every format: ``patient_notice`` and ``handout_review_date`` in conf.py.
The print theme's back page prints them (every handout, every clinic edition); the website
and the e-book print them at the foot of every page but the opening page, which says it in
its own words. A chapter read on its own, on a phone or in a reading app, still says what
it is not and how old it is.
"""

from docutils import nodes

from ..builders import PAGES
from ..i18n import N_, gettext

#: Today's words, for a book that sets none.
DEFAULT_NOTICE = N_("This guide gives general information. It is not medical advice. Talk "
                    "with your own doctor before you start, stop or change any treatment.")
PAGE_BUILDERS = PAGES


def _default_notice(config):
    return gettext(config.language, DEFAULT_NOTICE) if config.handout_preset == "patient" else ""


def page_notice(config):
    """The notice as one paragraph of text, with the review date; "" for none."""
    parts = [config.patient_notice.strip()]
    if config.handout_review_date:
        reviewed = gettext(config.language, "Last reviewed:")
        parts.append(f"{reviewed} {config.handout_review_date}.")
    return " ".join(p for p in parts if p)


def add_notice(app, doctree, docname):
    if app.builder.name not in PAGE_BUILDERS or docname == app.config.root_doc:
        return
    text = page_notice(app.config)
    if text:
        doctree.append(nodes.container("", nodes.paragraph(text, text),
                                       classes=["page-notice"]))


def setup(app):
    # The words belong to the book: another subject, another language, another notice.
    # A book that is not a patient handout (handout_preset = "book") has no caution.
    app.add_config_value("patient_notice", _default_notice, "env", types=(str,))
    # How a reader sends questions or corrections (the back page; a clinic edition's
    # feedback: field takes its place).
    app.add_config_value("patient_feedback", "", "env", types=(str,))
    app.connect("doctree-resolved", add_notice)
