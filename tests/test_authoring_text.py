"""An uploaded source as text (studyapp/authoring/text.py): formats, encoding, size cap, and the verbatim rule."""

import json

import pytest

from studyapp.authoring.text import (
    MAX_SOURCE_BYTES,
    SourceFormat,
    SourceText,
    SourceTextError,
    format_for,
    quote_occurs,
    source_text,
)
from tests.conftest import ROOT, SOURCES_DIR


def test_it_keeps_plain_text_as_it_is_but_for_line_ends():
    data = "Serge’s “Memoirs”, 1951.\r\n\r\n  Indented *not italic*.\rEnd\n".encode()
    assert source_text(data, fmt="text") == SourceText("Serge’s “Memoirs”, 1951.\n\n  Indented *not italic*.\nEnd\n")


def test_it_takes_a_pasted_string_and_drops_a_byte_order_mark():
    assert source_text("Kronstadt, 1921.", fmt="text").text == "Kronstadt, 1921."
    assert source_text(b"\xef\xbb\xbfKronstadt, 1921.", fmt="text").text == "Kronstadt, 1921."


def test_it_refuses_text_that_is_not_utf8():
    with pytest.raises(SourceTextError) as error:
        source_text("Trotsky à Coyoacán".encode("latin-1"), fmt="text")
    assert str(error.value) == ("the source is not UTF-8 (byte 0xe0 at position 8): save it as UTF-8 and upload "
                                "it again")
    assert error.value.field == "text"


def test_it_takes_a_source_of_exactly_the_cap_and_refuses_one_byte_more():
    assert len(source_text(b"a" * MAX_SOURCE_BYTES, fmt="text").text) == MAX_SOURCE_BYTES
    with pytest.raises(SourceTextError) as error:
        source_text(b"a" * (MAX_SOURCE_BYTES + 1), fmt="markdown")
    assert str(error.value) == "the source is 1,000,001 bytes; at most 1,000,000: split it in parts"


def test_the_cap_counts_bytes_not_characters():
    with pytest.raises(SourceTextError, match="1,000,002 bytes"):
        source_text("é" * (MAX_SOURCE_BYTES // 2 + 1), fmt="text")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_it_refuses_a_source_with_no_text(fmt):
    with pytest.raises(SourceTextError, match="^the source has no text$"):
        source_text(" \n<p> </p>\n" if fmt == "html" else " \n\n", fmt=fmt)


def test_it_reads_markdown_as_text_and_keeps_where_the_italics_were():
    markdown = ("# Victor Serge\n\n"
                "He wrote *Midnight in the Century* in 1939,\nand _The Case of Comrade Tulayev_ **later**.\n\n"
                "- Paris\n- [Mexico](https://example.org)\n\n"
                "> A quoted `line` with <i>Memoirs</i>.\n")
    result = source_text(markdown.encode(), fmt="markdown")
    assert result.text == ("Victor Serge\n\n"
                           "He wrote Midnight in the Century in 1939, and The Case of Comrade Tulayev later.\n\n"
                           "Paris\n\nMexico\n\n"
                           "A quoted line with Memoirs.")
    assert [result.text[start:end] for start, end in result.italics] == [
        "Midnight in the Century", "The Case of Comrade Tulayev", "Memoirs"]


def test_it_reads_html_as_a_browser_shows_it():
    html = ("<html><head><title>Not text</title><style>p {}</style></head><body>\n"
            "<h1>Serge &amp; Trotsky</h1>\n<p>In   <em>Memoirs of a\n Revolutionary</em>, he<br>recalls"
            " <cite>Kommunist</cite>.<script>alert(1)</script><!-- a comment --></p>"
            "<ul><li>one</li><li>two <i></i></li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>")
    result = source_text(html, fmt="html")
    assert result.text == ("Serge & Trotsky\n\nIn Memoirs of a Revolutionary, he\nrecalls Kommunist.\n\n"
                           "one\n\ntwo\n\na b")
    assert [result.text[start:end] for start, end in result.italics] == ["Memoirs of a Revolutionary", "Kommunist"]


def test_it_keeps_preformatted_white_space():
    assert source_text("<p>a  b</p><pre>  x\n   y</pre>", fmt="html").text == "a b\n\n  x\n   y"


def test_it_names_the_format_field_for_an_unknown_format():
    with pytest.raises(SourceTextError) as error:
        source_text(b"text", fmt="pdf")
    assert (str(error.value), error.value.field) == ("unknown format 'pdf': use one of text, markdown, html", "format")


@pytest.mark.parametrize(("name", "fmt"), [("a.txt", SourceFormat.TEXT), ("Notes.MD", SourceFormat.MARKDOWN),
                                           ("a.markdown", SourceFormat.MARKDOWN), ("page.htm", SourceFormat.HTML),
                                           ("page.html", SourceFormat.HTML)])
def test_it_tells_the_format_from_the_file_name(name, fmt):
    assert format_for(name) == fmt


def test_it_refuses_a_file_type_it_cannot_read():
    with pytest.raises(SourceTextError, match=r"^unknown file type '\.pdf': upload \.txt, \.md or \.html$"):
        format_for("book.pdf")


@pytest.mark.parametrize(("quote", "occurs"), [
    ("Serge’s “Memoirs”", True),
    ("Serge’s “Memoirs”, 1951.\nEnd", True),
    ("Serge's \"Memoirs\"", False),  # straight quotes for curly ones: not verbatim
    ("serge’s “memoirs”", False),
    ("Serge’s  “Memoirs”", False),
    ("", False),
])
def test_a_quote_must_occur_verbatim(quote, occurs):
    assert quote_occurs(quote, "Serge’s “Memoirs”, 1951.\nEnd") is occurs


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="needs ../shared/sources")
def test_every_fixture_quote_occurs_in_its_source_read_as_an_upload():
    """The rule agrees with load_facts --verify-quotes: each source read as an upload keeps every quote."""
    texts = {path.name: source_text(path.read_bytes(), fmt=format_for(path.name)).text
             for path in SOURCES_DIR.glob("*.txt")}
    files = [path for path in (ROOT / "fixtures").rglob("*.json") if path.name != "collection.json"]
    citations = [record["fields"] for path in files for record in json.loads(path.read_text(encoding="utf-8"))
                 if record["model"] == "facts.citation" and record["fields"]["source"][0] in texts]
    assert citations
    assert [c["quote"] for c in citations if not quote_occurs(c["quote"], texts[c["source"][0]])] == []


# --- any nesting depth (issue 21 probe #5: 1,000 nested tags were a RecursionError, a 500) ----------------------

@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_any_nesting_depth_within_the_size_cap_is_read(depth):
    assert source_text(b"<div>" * depth + b"x", fmt="html") == SourceText("x")
    assert source_text("<div>" * depth + "x", fmt="markdown") == SourceText("x")  # raw HTML passes through
    nested = source_text("<p>Intro</p>" + "<b>" * depth + "<em>Deep <u>title</u></em>  ends." + "</b>" * depth
                         + "<p>After</p>", fmt="html")
    assert nested == SourceText("Intro\n\nDeep title ends.\n\nAfter", ((7, 17),))
    assert source_text("<pre>" + "<b>" * depth + "  a\n   b</pre>", fmt="html").text == "  a\n   b"
