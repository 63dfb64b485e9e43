"""Which builder makes which kind of output: the one list every room reads, so a new
builder (or a theme's own, such as ``dirhtml``) is named once.

A clinic edition is a handout made once per clinic; the e-book and the print share what
cannot run JavaScript (formulas drawn, dropdowns laid open, pictures from the web named).
"""

#: Builders that write a website: a page per document, linked by a theme's navigation.
WEB = ("html", "dirhtml")
#: The e-book.
EBOOK = ("epub",)
#: Builders that write the print documents WeasyPrint renders.
PRINT = ("handout", "clinic-editions")
#: Builders whose every page a reader opens on its own (the notice at its foot).
PAGES = WEB + EBOOK
#: Builders whose output runs no JavaScript and fetches nothing: what the web shows live
#: is drawn or laid open for them.
STATIC = EBOOK + PRINT
