"""The books the benchmark builds: a copy of the book, a generated N-times book, the
concatenated Markdown pandoc reads, and clinic files.

Nothing here touches ``docs/``: every book is written under ``bench/work/``.
"""

import os
import re
import shutil
from pathlib import Path

LABEL_RE = re.compile(r"^\((?P<label>[^)\s]+)\)=[ \t]*$", re.M)
ROLE_RE = re.compile(r"\{(?P<role>[a-z:]+)\}`(?P<body>[^`]*)`")
H1_RE = re.compile(r"^# (?P<title>.+)$", re.M)
# A MyST directive block: ```{name} args ... ``` or :::{name} args ... :::
DIRECTIVE_RE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<args>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)
OPTION_RE = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")


def _split_target(body):
    """``text <target>`` or ``target`` -> (text or None, target)."""
    m = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", body, re.S)
    return (m["text"], m["target"]) if m else (None, body)


def _options(body):
    """A directive body -> (options dict, content text)."""
    lines = body.split("\n")
    opts = {}
    while lines and (m := OPTION_RE.match(lines[0])):
        opts[m["key"]] = m["value"]
        lines.pop(0)
    return opts, "\n".join(lines).strip("\n")


def toctree_entries(index_text):
    """Docnames listed by the root document's toctrees, in order."""
    entries = []
    for m in DIRECTIVE_RE.finditer(index_text):
        if m["name"] != "toctree":
            continue
        _opts, content = _options(m["body"])
        for line in content.splitlines():
            line = line.strip()
            if line:
                entries.append(_split_target(line)[1])
    return entries


def copy_book(src, dest):
    """A fresh copy of a Sphinx source folder (the writers may edit docs/ meanwhile)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return dest


def _docname(path, srcdir):
    return path.relative_to(srcdir).with_suffix("").as_posix()


def _resolve_doc(target, from_doc):
    """A {doc} target as written in ``from_doc`` -> the absolute docname."""
    if target.startswith("/"):
        return target.lstrip("/")
    return os.path.normpath(os.path.join(os.path.dirname(from_doc), target)).replace(os.sep, "/")


def _renamed_doc_target(target, copy_suffix):
    head, _, name = target.rpartition("/")
    return f"{head}/{name}{copy_suffix}" if head else f"{name}{copy_suffix}"


def multiply_book(src, dest, factor, root="index"):
    """The book ``factor`` times over: every document but the root and the glossary is
    repeated under new file names, titles and labels, with its cross-references
    (``(label)=``, ``{ref}``/``{numref}``/``{doc}`` roles) pointing into its own copy,
    and the root's toctree lists every copy. Returns the new source folder."""
    copy_book(src, dest)
    docs = {}
    for path in sorted(dest.rglob("*.md")):
        name = _docname(path, dest)
        text = path.read_text(encoding="utf-8")
        if name == root or "{glossary}" in text:
            continue
        docs[name] = text
    labels = {m["label"] for text in docs.values() for m in LABEL_RE.finditer(text)}

    for k in range(2, factor + 1):
        suffix = f"-p{k}"

        def role(m, doc):
            text, target = _split_target(m["body"])
            if m["role"] in ("ref", "numref") and target in labels:
                target = target + suffix
            elif m["role"] == "doc" and _resolve_doc(target, doc) in docs:
                target = _renamed_doc_target(target, suffix)
            else:
                return m[0]
            body = f"{text} <{target}>" if text is not None else target
            return f"{{{m['role']}}}`{body}`"

        for name, text in docs.items():
            new = LABEL_RE.sub(lambda m: f"({m['label']}{suffix})=", text)
            new = ROLE_RE.sub(lambda m, d=name: role(m, d), new)
            new = H1_RE.sub(lambda m: f"# {m['title']} (part {k})", new, count=1)
            (dest / f"{name}{suffix}.md").write_text(new, encoding="utf-8")

    index = dest / f"{root}.md"
    text = index.read_text(encoding="utf-8")

    def toctree(m):
        if m["name"] != "toctree":
            return m[0]
        opts, content = _options(m["body"])
        lines = [f":{k}: {v}".rstrip() for k, v in opts.items()]
        entries = [line.strip() for line in content.splitlines() if line.strip()]
        lines += entries
        for k in range(2, factor + 1):
            for entry in entries:
                text_, target = _split_target(entry)
                if target in docs:
                    lines.append(f"{target}-p{k}" if text_ is None
                                 else f"{text_} (part {k}) <{target}-p{k}>")
        return f"{m['fence']}{{toctree}}{(' ' + m['args']) if m['args'] else ''}\n" + \
            "\n".join(lines) + f"\n{m['fence']}"

    index.write_text(DIRECTIVE_RE.sub(toctree, text), encoding="utf-8")
    return dest


def _glossary_to_deflist(content):
    out = []
    for line in content.splitlines():
        if not line.strip():
            out.append("")
        elif line[0].isspace():
            prefix = ":   " if out and out[-1] and not out[-1].startswith(("    ", ":   ")) else "    "
            out.append(prefix + line.strip())
        else:
            if out and out[-1]:
                out.append("")
            out.append(line.strip())
    return "\n".join(out)


def myst_to_pandoc(text, docname):
    """One MyST chapter as Markdown pandoc reads: roles become their text, directives
    become divs, figures images (paths relative to the source folder), toctrees go."""
    docdir = os.path.dirname(docname)

    def directive(m):
        name, args = m["name"], m["args"].strip()
        opts, content = _options(m["body"])
        content = DIRECTIVE_RE.sub(directive, content)
        if name == "toctree":
            return ""
        if name in ("figure", "image"):
            path = os.path.normpath(os.path.join(docdir, args)).replace(os.sep, "/")
            alt = opts.get("alt", "")
            caption = content or alt
            return f"![{caption}]({path}){{alt=\"{alt}\"}}\n"
        if name == "glossary":
            return _glossary_to_deflist(content) + "\n"
        title = f"**{args}**\n\n" if args else ""
        return f"::: {{.{name}}}\n{title}{content}\n:::"

    text = LABEL_RE.sub("", text)
    text = DIRECTIVE_RE.sub(directive, text)
    return ROLE_RE.sub(lambda m: _split_target(m["body"])[0] or _split_target(m["body"])[1],
                       text)


def concatenated_markdown(srcdir, out, root="index"):
    """The root document and its toctree's documents, in order, as one pandoc file."""
    index = (srcdir / f"{root}.md").read_text(encoding="utf-8")
    parts = [myst_to_pandoc(index, root)]
    for name in toctree_entries(index):
        path = srcdir / f"{name}.md"
        parts.append(myst_to_pandoc(path.read_text(encoding="utf-8"), name))
    out.write_text("\n\n".join(parts), encoding="utf-8")
    return out


def write_clinics(folder, count):
    """``count`` clinic files with the required fields only."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for i in range(1, count + 1):
        (folder / f"bench-clinic-{i:03d}.yaml").write_text(
            f'name: "Bench Clinic {i:03d}"\n'
            f'address: "{i} Main Street, Springfield"\n'
            f'phone: "+1 555 01{i % 100:02d}"\n'
            f"web: https://clinic-{i:03d}.example.org/\n", encoding="utf-8")
    return folder


def first_chapter(srcdir, root="index"):
    """The first document of the root toctree: the one the incremental runs edit."""
    index = (srcdir / f"{root}.md").read_text(encoding="utf-8")
    return srcdir / f"{toctree_entries(index)[0]}.md"


def title(path):
    """A document's first-level title."""
    m = H1_RE.search(path.read_text(encoding="utf-8"))
    if m is None:
        raise SystemExit(f"{path}: no '# Title' line to edit")
    return m["title"]


def retitle(path, title):
    """Set a document's first-level title and append a sentence; returns the old title."""
    text = path.read_text(encoding="utf-8")
    m = H1_RE.search(text)
    if m is None:
        raise SystemExit(f"{path}: no '# Title' line to edit")
    new = text[:m.start()] + f"# {title}" + text[m.end():]
    new = new.rstrip("\n") + f"\n\nThis sentence was added by the benchmark ({title}).\n"
    path.write_text(new, encoding="utf-8")
    return m["title"]
