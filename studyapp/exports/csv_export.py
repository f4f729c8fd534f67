"""The same notes as the .apkg, in Anki's plain-text import format (File > Import a .txt/.csv file).

Rows carry the GUID, note type and deck, so importing updates the notes an earlier .apkg or CSV created.
Anki cannot create note types from a text file: the first import of a new profile should be the .apkg.
"""

import csv
import io

from studyapp.exports.anki import BASIC_FIELDS

# Columns after the four special ones map to the note type's fields by position: Basic uses all six,
# Cloze (Text, Extra, Source, Key) the first four.
COLUMNS = ("guid", "notetype", "deck", "tags", *BASIC_FIELDS)


def csv_text(notes) -> str:
    """The CSV (tab-separated, HTML fields) for these notes, with the header lines Anki reads."""
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n")
    out.write("#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:4\n")
    out.write("#columns:" + "\t".join(COLUMNS) + "\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for note in notes:
        fields = list(note.fields) + [""] * (len(BASIC_FIELDS) - len(note.fields))
        writer.writerow([note.guid, note.notetype, note.anki_deck[1], " ".join(note.tags), *fields])
    return out.getvalue()
