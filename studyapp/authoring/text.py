"""An uploaded source as plain text: UTF-8 plain text as is, Markdown and HTML read as text (issue 21).

Pure: bytes or a string in, a `SourceText` out, or a `SourceTextError` whose message says what to do. The text
returned is what the source stores and what every quote must occur in verbatim (`quote_occurs`). Markdown and
HTML keep one thing from their markup: where the italics were, because italics mark titles (suggestions.py).
"""

from dataclasses import dataclass
from pathlib import PurePath

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.db import models
from markdown_it import MarkdownIt

from studyapp.facts.loading import quote_occurs as quote_occurs  # the verbatim rule's one home, re-exported

MAX_SOURCE_BYTES = 1_000_000  # the longest Serge source is 72 kB; a whole book in plain text is about 1 MB


class SourceFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


SUFFIXES = {".txt": SourceFormat.TEXT, ".text": SourceFormat.TEXT, ".md": SourceFormat.MARKDOWN,
            ".markdown": SourceFormat.MARKDOWN, ".html": SourceFormat.HTML, ".htm": SourceFormat.HTML}


class SourceTextError(ValueError):
    """An upload that cannot become a source, with the form field to blame (`text`, or `format`)."""

    def __init__(self, message, *, field="text"):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class SourceText:
    """A source's plain text, and the (start, end) offsets in it of each italic span of the original markup."""

    text: str
    italics: tuple[tuple[int, int], ...] = ()


def format_for(filename) -> SourceFormat:
    """The format an uploaded file's name says it is."""
    suffix = PurePath(str(filename)).suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceTextError(f"unknown file type {suffix or '(none)'!r}: upload .txt, .md or .html",
                              field="format")
    return SUFFIXES[suffix]


def source_text(data, *, fmt) -> SourceText:
    """The plain text of an upload (bytes, or a pasted string) in the given format; line ends become \\n."""
    if fmt not in SourceFormat.values:
        raise SourceTextError(f"unknown format {fmt!r}: use one of {', '.join(SourceFormat.values)}", field="format")
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceTextError(f"the source is {len(raw):,} bytes; at most {MAX_SOURCE_BYTES:,}: split it in parts")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceTextError(f"the source is not UTF-8 (byte 0x{raw[error.start]:02x} at position {error.start}): "
                              "save it as UTF-8 and upload it again") from None
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == SourceFormat.TEXT:
        result = SourceText(decoded)
    else:
        html = _markdown.render(decoded) if fmt == SourceFormat.MARKDOWN else decoded
        result = html_text(html)
    if not result.text.strip():
        raise SourceTextError("the source has no text")
    return result


# Raw HTML inside Markdown is read like an HTML upload (an <i> counts as italics); nothing is ever rendered.
_markdown = MarkdownIt("commonmark", {"html": True})

SKIPPED = {"script", "style", "head", "template", "noscript", "svg", "iframe", "object"}
ITALIC = {"i", "em", "cite"}
BLOCKS = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
          "table", "tr", "ul", "body", "html"}
CELLS = {"td", "th"}


_DONE = object()  # the end of a tag's children in `_Writer.walk`


class _Writer:
    """Text written piece by piece with HTML's white-space rules, tracking where the italics land."""

    def __init__(self):
        self.parts, self.length, self.pending = [], 0, ""
        self.italics, self.open_italics = [], []

    def gap(self, gap):
        """Ask for at least this separator (" ", "\\n" or "\\n\\n") before the next text."""
        if len(gap) > len(self.pending) or (gap.startswith("\n") and not self.pending.startswith("\n")):
            self.pending = gap

    def write(self, text, *, pre=False):
        if not pre:
            if text[:1].isspace():
                self.gap(" ")
            trailing = text[-1:].isspace()
            text = " ".join(text.split())
        if not text:
            return
        if self.length and self.pending:
            self._emit(self.pending)
        self.pending = ""
        self.open_italics = [self.length if start is None else start for start in self.open_italics]
        self._emit(text)
        if not pre and trailing:
            self.gap(" ")

    def _emit(self, text):
        self.parts.append(text)
        self.length += len(text)

    def walk(self, root, *, pre=False):
        """Write the text under `root`, depth first with an explicit stack: any nesting depth works (issue 21 #5).

        Each stack entry is a tag being written: the iterator over its children, whether it is inside a <pre>,
        and what to do when its children are done (close its italics, end its block)."""
        stack = [(iter(root.children), pre, False, False)]
        while stack:
            children, pre, block, italic = stack[-1]
            child = next(children, _DONE)
            if child is _DONE:
                stack.pop()
                if italic:
                    start = self.open_italics.pop()
                    if start is not None and self.length > start:
                        self.italics.append((start, self.length))
                if block:
                    self.gap("\n\n")
                continue
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.write(str(child), pre=pre)
                continue
            if not isinstance(child, Tag) or child.name in SKIPPED:
                continue
            if child.name == "br":
                self.gap("\n")
                continue
            child_block = child.name in BLOCKS
            if child_block:
                self.gap("\n\n")
            elif child.name in CELLS:
                self.gap(" ")
            child_italic = child.name in ITALIC
            if child_italic:
                self.open_italics.append(None)
            stack.append((iter(child.children), pre or child.name == "pre", child_block, child_italic))

    def result(self) -> SourceText:
        return SourceText("".join(self.parts), tuple(sorted(self.italics)))


def html_text(html) -> SourceText:
    """HTML read as a browser shows it: blocks become paragraphs, runs of white space one space, scripts dropped."""
    writer = _Writer()
    writer.walk(BeautifulSoup(html, "html.parser"))
    return writer.result()
