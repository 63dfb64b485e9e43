"""Pictures a chapter shows from elsewhere than the book's folder, in the e-book and the PDFs.

Neither is built from the network or from files outside the book (pictures inside it are
checked by ``checks.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from ..builders import STATIC
from ..i18n import N_, gettext

if TYPE_CHECKING:
    from typing import Any

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
PICTURE_ONLINE = N_("Picture online:")


class RemotePictures(SphinxPostTransform):
    """A picture the book shows from the web is a link, with its address, in the e-book and
    the PDFs; the website shows the picture as before.

    Neither is built from the network: the PDF's renderer refuses it, and for the e-book
    Sphinx would fetch the picture at build time (an e-book must carry its pictures), a
    build that fails offline and changes with the web site. The warning says how to show
    the picture there instead; ``suppress_warnings`` passes it by its type.
    """
    default_priority = 90  # before Sphinx's ImageDownloader (100) fetches it
    builders = STATIC

    def run(self, **kwargs: Any) -> None:
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if "://" not in uri:
                continue
            if uri.lower().startswith("file:"):   # not the web: a file outside the book
                logger.warning("image %r refused: it is a file outside the book's source "
                               "folder; copy the picture into the book's folder and link the "
                               "copy", uri, location=image, type="patientpress", subtype="image")
                image.parent.remove(image)
                continue
            logger.warning("picture %s is on the web: the e-book and the PDFs show its address "
                           "instead; save it into the book's folder and link it by a relative "
                           "path to show it there", uri, location=image, type="patientpress",
                           subtype="remote_image")
            link = nodes.reference(uri, uri, refuri=uri)
            said = gettext(self.config.language, PICTURE_ONLINE) + " "
            if isinstance(image.parent, nodes.reference):  # a linked picture: no nested link
                image.replace_self(nodes.Text(said + uri))
            elif isinstance(image.parent, nodes.TextElement):
                image.replace_self(nodes.inline("", said, link))
            else:
                image.replace_self(nodes.paragraph("", said, link))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(RemotePictures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
