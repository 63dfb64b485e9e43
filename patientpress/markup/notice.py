"""The notice on every page: the book is general information, not medical advice, and when
it was last reviewed.

One source for every format: ``patient_notice``, ``handout_review_date`` and, once someone
has reviewed the book, ``patient_reviewed_by`` (who, their role, when) in conf.py. The print
theme's back page prints them (every handout, every clinic edition); the website and the
e-book print them at the foot of every page but the opening page, which says it in its own
words. A chapter read on its own, on a phone or in a reading app, still says what it is not,
how old it is and who checked it. A book nobody has reviewed prints no reviewer: no line
of it is made up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ConfigError

from ..builders import PAGES
from ..i18n import N_, gettext

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Today's words, for a book that sets none.
DEFAULT_NOTICE = N_("This guide gives general information. It is not medical advice. Talk "
                    "with your own doctor before you start, stop or change any treatment.")
PAGE_BUILDERS = PAGES
REVIEWED_BY = N_("Reviewed by {name}, {role} ({date}).")
REVIEWER_KEYS = ("name", "role", "date")
REVIEWER_EXAMPLE = ('patient_reviewed_by = {"name": "Dr Ana Ruiz", "role": "neurologist", '
                    '"date": "March 2027"}')


def _default_notice(config):
    return gettext(config.language, DEFAULT_NOTICE) if config.handout_preset == "patient" else ""


def reviewed_by(config: Config) -> str:
    """Who reviewed the book, as one sentence ("Reviewed by Dr Ana Ruiz, neurologist (March
    2027)."); "" when ``patient_reviewed_by`` names nobody."""
    who = config.patient_reviewed_by
    if not who:
        return ""
    return gettext(config.language, REVIEWED_BY).format(
        **{key: who[key].strip() for key in REVIEWER_KEYS})


def page_notice(config: Config) -> str:
    """The notice as one paragraph of text, with the review date and reviewer; "" for none."""
    parts = [config.patient_notice.strip()]
    if config.handout_review_date:
        reviewed = gettext(config.language, "Last reviewed:")
        parts.append(f"{reviewed} {config.handout_review_date}.")
    parts.append(reviewed_by(config))
    return " ".join(p for p in parts if p)


def check_reviewer(app: Sphinx, config: Config) -> None:
    """A reviewer is a person with a role and a date, or nobody: never half a line."""
    who = config.patient_reviewed_by
    if not who:
        return
    keys = set(who) if isinstance(who, dict) else set()
    empty = [k for k in REVIEWER_KEYS if not (isinstance(who.get(k), str) and who[k].strip())] \
        if keys else list(REVIEWER_KEYS)
    unknown = sorted(keys - set(REVIEWER_KEYS))
    if empty or unknown:
        problem = (f"no {', '.join(empty)}" if empty else "") + \
            ("; " if empty and unknown else "") + \
            (f"unknown key(s) {unknown}" if unknown else "")
        raise ConfigError(f"conf.py: patient_reviewed_by: {problem}. Fix: name the reviewer, "
                          f"their role and the date they reviewed the book, e.g. "
                          f"{REVIEWER_EXAMPLE}; leave it out while nobody has reviewed it.")


def add_notice(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name not in PAGE_BUILDERS or docname == app.config.root_doc:
        return
    text = page_notice(app.config)
    if text:
        doctree.append(nodes.container("", nodes.paragraph(text, text),
                                       classes=["page-notice"]))


def setup(app: Sphinx) -> ExtensionMetadata:
    # The words belong to the book: another subject, another language, another notice.
    # A book that is not a patient handout (handout_preset = "book") has no caution.
    app.add_config_value("patient_notice", _default_notice, "env", types=(str,))
    # How a reader sends questions or corrections (the back page; a clinic edition's
    # feedback: field takes its place).
    app.add_config_value("patient_feedback", "", "env", types=(str,))
    # Who reviewed the book ({"name", "role", "date"}): every page's notice, every back page.
    app.add_config_value("patient_reviewed_by", {}, "env", types=(dict,))
    app.connect("config-inited", check_reviewer)
    app.connect("doctree-resolved", add_notice)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
