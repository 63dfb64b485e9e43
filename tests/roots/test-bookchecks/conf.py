"""A small book that is not a patient handout, with book-check targets of its own: a
gardening guide for new growers, judged by other pages, thresholds and claims than the
repository's book."""
project = "Growing Beans"
author = "The Allotment Group"
copyright = "2026, The Allotment Group"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence", "substitution"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "growing-beans"
epub_identifier = epub_uid
epub_scheme = ""
handout_preset = "book"
handout_review_date = "March 2026"
# The opening page shows the author and the review date from here, through substitutions.
myst_substitutions = {"author": author, "reviewed": handout_review_date}

# Not this repository's targets: a guide for adults, grade 8, sentences up to 25 words, the
# SMOG of the whole book only (each page is shorter than the 30 sentences SMOG needs).
bookcheck_pages = ["chapters/*"]
bookcheck_readability = {"max_fkgl": 8.0, "min_fre": 60.0, "max_sentence_words": 25,
                         "max_mean_sentence": 15.0, "max_smog_book": 10.0}
bookcheck_claims = {"file": "claims.yaml", "count": 4, "max_passage_words": 12}
bookcheck_glossary = {"min_terms": 3}
# bookcheck_front_matter is left to its default: the author and the review date.
