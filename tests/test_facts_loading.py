"""load_facts: validation before any write, idempotent reloads, edits in place, verify-quotes, export shape."""

import json

import pytest
from django.core.management import CommandError, call_command

from studyapp.content import load_facts
from studyapp.facts.loading import FixtureError
from studyapp.facts.models import Citation, Event, Person, Source, Work
from tests import factbase
from tests.conftest import SOURCES_DIR


def counts():
    return (Source.objects.count(), Person.objects.count(), Work.objects.count(), Event.objects.count(),
            Citation.objects.count())


@pytest.fixture
def base_file(tmp_path):
    return factbase.write(tmp_path / "facts.json", factbase.records())


@pytest.mark.django_db
def test_loads_small_base(base_file):
    report = load_facts(paths=[base_file])
    assert counts() == (4, 1, 1, 3, 6)
    assert report.created == {"sources": 4, "people": 1, "works": 1, "events": 3}
    work = Work.objects.get(key="witness-to-the-german-revolution")
    assert (work.author.key, work.year, work.kind) == ("victor-serge", 1923, "non-fiction")
    arrival = Event.objects.get(key="1919-serge-arrives-in-russia")
    assert arrival.disputed is True
    assert [(v["when"], [c.source.key for c in cites]) for v, cites in arrival.versions()] == [
        ("January 1919", [factbase.S002]), ("1918", [factbase.S001])]
    assert Event.objects.get(key="1947-death-of-victor-serge").disputed is False


def _break(mutate):
    data = factbase.records()
    mutate(data)
    return data


BAD_FIXTURES = [
    ("unknown source",
     lambda d: d[5]["fields"].update(source=["999_missing.txt"]),
     "record 6, field 'source': unknown source '999_missing.txt'"),
    ("empty quote",
     lambda d: d[5]["fields"].update(quote=""),
     "record 6, field 'quote': must be a non-empty str"),
    ("too long quote",
     lambda d: d[5]["fields"].update(quote="word " * 81),
     "record 6, field 'quote': quote is 405 characters; at most 400"),
    ("one-word quote",
     lambda d: d[5]["fields"].update(quote="arrested"),
     "record 6, field 'quote': quote is one word: at least two, the words that state the fact"),
    ("quote across paragraphs",
     lambda d: d[5]["fields"].update(quote="one paragraph.\n\nAnother one"),
     "record 6, field 'quote': quote spans a blank line: one passage within one paragraph"),
    ("missing required field",
     lambda d: factbase.find(d, "facts.person", "victor-serge")["fields"].pop("description"),
     "record 5, field 'description': missing required field"),
    ("duplicate natural key",
     lambda d: d.append(copy_of(d, "facts.person", "victor-serge")),
     "record 16, field 'key': duplicate natural key 'victor-serge'"),
    ("bad date",
     lambda d: factbase.find(d, "facts.event", "1947-death-of-victor-serge")["fields"].update(date="1947-13-01"),
     "record 9, field 'date': bad date '1947-13-01': use YYYY-MM-DD"),
    ("bad precision",
     lambda d: factbase.find(d, "facts.event", "1947-death-of-victor-serge")["fields"].update(precision="century"),
     "record 9, field 'precision': bad precision 'century': use one of day, month, year, decade"),
    ("date does not match precision",
     lambda d: factbase.find(d, "facts.event", "1947-death-of-victor-serge")["fields"].update(date="1947-06-01"),
     "record 9, field 'date': a year must start on YYYY-01-01"),
    ("dangling reference",
     lambda d: factbase.find(d, "facts.work", "witness-to-the-german-revolution")["fields"].update(
         author=["nobody"]),
     "record 7, field 'author': unknown person 'nobody'"),
    ("unknown field",
     lambda d: factbase.find(d, "facts.person", "victor-serge")["fields"].update(born=1890),
     "record 5, field 'born': unknown field"),
    ("fact without citation",
     lambda d: d.pop(5),
     "field 'key': person 'victor-serge' has no citation: every fact cites a source"),
    ("date before the year 100",  # issue 21 probe #7: year 1 broke quizzes and period pages
     lambda d: factbase.find(d, "facts.event", "1947-death-of-victor-serge")["fields"].update(date="0001-01-01"),
     "record 9, field 'date': date 0001-01-01 is out of range: use a date between the years 100 and 2999"),
    ("end after the year 2999",
     lambda d: factbase.find(d, "facts.event", "1947-death-of-victor-serge")["fields"].update(end="9999-12-31"),
     "record 9, field 'end': end 9999-12-31 is out of range: use a date between the years 100 and 2999"),
    ("description over its limit",  # issue 21 probe #15: the API's and the forms' limits, in the one validation
     lambda d: factbase.find(d, "facts.person", "victor-serge")["fields"].update(description="x" * 2001),
     "record 5, field 'description': 2,001 characters; at most 2,000"),
    ("claim over its field's limit",
     lambda d: d[5]["fields"].update(claim={"description": "x" * 2001}),
     "record 6, field 'claim.description': 2,001 characters; at most 2,000"),
    ("bad work kind",
     lambda d: factbase.find(d, "facts.work", "witness-to-the-german-revolution")["fields"].update(kind="pamphlet"),
     "record 7, field 'kind': bad kind 'pamphlet'"),
]


def copy_of(data, model, key):
    return json.loads(json.dumps(factbase.find(data, model, key)))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "mutate", "message"), BAD_FIXTURES, ids=[b[0] for b in BAD_FIXTURES])
def test_bad_fixture_names_file_record_field_and_writes_nothing(tmp_path, base_file, name, mutate, message):
    load_facts(paths=[base_file])
    before = counts()
    bad = factbase.write(tmp_path / "bad.json", _break(mutate))
    with pytest.raises(CommandError) as error:
        call_command("load_facts", str(bad))
    assert str(error.value).startswith(f"nothing was loaded: {bad}, ")
    assert message in str(error.value)
    assert counts() == before


@pytest.mark.django_db
def test_malformed_json_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('[{"model": "facts.person", ', encoding="utf-8")
    with pytest.raises(FixtureError, match=r"broken.json: not valid JSON"):
        load_facts(paths=[bad])
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_command_exits_non_zero_with_message(tmp_path):
    import subprocess
    import sys

    bad = factbase.write(tmp_path / "bad.json", _break(lambda d: d[5]["fields"].update(quote="")))
    result = subprocess.run([sys.executable, "manage.py", "load_facts", str(bad)], capture_output=True, text=True,
                            env={**__import__("os").environ, "DJANGO_DEBUG": "1",
                                 "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"})
    assert result.returncode == 1
    assert "record 6, field 'quote': must be a non-empty str" in result.stderr


@pytest.mark.django_db
def test_reloading_the_same_files_changes_nothing(base_file):
    load_facts(paths=[base_file])
    ids = list(Citation.objects.order_by("pk").values_list("pk", flat=True))
    report = load_facts(paths=[base_file])
    assert (report.created, report.updated, report.deleted) == ({}, {}, {})
    assert report.cards["created"] == 0 and report.cards["updated"] == 0 and report.cards["retired"] == 0
    assert list(Citation.objects.order_by("pk").values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_an_edited_fact_updates_in_place(tmp_path, base_file):
    load_facts(paths=[base_file])
    person_pk = Person.objects.get(key="victor-serge").pk
    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["description"] = "A writer and revolutionary."
    report = load_facts(paths=[factbase.write(tmp_path / "facts.json", data)])
    assert report.updated == {"people": 1}
    person = Person.objects.get(key="victor-serge")
    assert (person.pk, person.description) == (person_pk, "A writer and revolutionary.")


@pytest.mark.django_db
def test_full_load_removes_facts_no_longer_in_the_files(tmp_path, base_file):
    load_facts(paths=[base_file])
    data = [r for r in factbase.records() if "exile-to-orenburg" not in json.dumps(r)]
    report = load_facts(paths=[factbase.write(tmp_path / "facts.json", data)])
    assert report.deleted == {"events": 1}
    assert not Event.objects.filter(key="exile-to-orenburg").exists()


@pytest.mark.django_db
def test_partial_load_can_refer_to_facts_already_loaded(tmp_path, base_file):
    load_facts(paths=[base_file])
    extra = [
        {"model": "facts.event", "fields": {"key": "1936-serge-leaves-orenburg", "when": "1936", "date": "1936-01-01",
                                            "precision": "year", "description": "Victor Serge leaves Orenburg.",
                                            "people": [["victor-serge"]]}},
        {"model": "facts.citation", "fields": {"source": [factbase.S002], "event": ["1936-serge-leaves-orenburg"],
                                               "quote": "he stayed until 1936"}},
    ]
    call_command("load_facts", str(factbase.write(tmp_path / "extra.json", extra)))
    assert Event.objects.get(key="1936-serge-leaves-orenburg").people.get().key == "victor-serge"
    assert Event.objects.count() == 4  # a partial load removes nothing


@pytest.mark.django_db
@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="needs ../shared/sources")
def test_verify_quotes_checks_each_quote_against_its_source(tmp_path, base_file):
    load_facts(paths=[base_file], sources_dir=SOURCES_DIR)
    data = factbase.records()
    data[5]["fields"]["quote"] = "Victor Serge, a rare survivor of Stalin’s Terror"  # curly apostrophe: not verbatim
    bad = factbase.write(tmp_path / "bad.json", data)
    with pytest.raises(CommandError, match=r"record 6, field 'quote': quote not found verbatim in 004_"):
        call_command("load_facts", str(bad), verify_quotes=str(SOURCES_DIR))
    call_command("load_facts", str(bad))  # without --verify-quotes the same file loads


@pytest.mark.django_db
def test_export_facts_shape(capsys, base_file):
    load_facts(paths=[base_file])
    call_command("export_facts")
    exported = json.loads(capsys.readouterr().out)
    assert list(exported) == ["sources", "people", "works", "events", "ideas"]
    assert exported["sources"][0] == {"key": factbase.S001, "title": "Discussion of Memoirs of a Revolutionary"}
    assert exported["people"] == [{
        "name": "Victor Serge", "aliases": ["Serge"],
        "description": "Revolutionary writer who survived Stalin's Terror.",
        "citations": [{"source": factbase.S004, "quote": "Victor Serge, a rare survivor of Stalin's Terror"}],
    }]
    assert exported["works"] == [{
        "title": "Witness to the German Revolution", "aliases": [], "author": "Victor Serge", "year": 1923,
        "kind": "non-fiction",
        "citations": [{"source": factbase.S004, "quote": "published as Witness to the German Revolution,1923"}],
    }]
    arrival = [e for e in exported["events"] if e["event"] == "Victor Serge arrives in Soviet Russia."]
    assert arrival == [
        {"when": "January 1919", "precision": "month", "event": "Victor Serge arrives in Soviet Russia.",
         "people": ["Victor Serge"],
         "citations": [{"source": factbase.S002, "quote": "Arriving in the Soviet Union in January 1919"}]},
        {"when": "1918", "precision": "year", "event": "Victor Serge arrives in Soviet Russia.",
         "people": ["Victor Serge"],
         "citations": [{"source": factbase.S001, "quote": "Serge only arrives in Russia in 1918"}]},
    ]


@pytest.mark.django_db
@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="needs ../shared/sources")
def test_the_real_fixtures_load_with_every_quote_verbatim(capsys):
    call_command("load_facts", verify_quotes=str(SOURCES_DIR))
    call_command("export_facts")
    exported = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert len(exported["sources"]) == 5
    # Distinct facts (export lists a disputed fact once per version).
    assert Person.objects.count() >= 50 and Work.objects.count() >= 40 and Event.objects.count() >= 70
    assert all(p["citations"] for kind in ("people", "works", "events") for p in exported[kind])
    assert Event.objects.filter(disputed=True).count() >= 3 and Work.objects.filter(disputed=True).exists()


@pytest.mark.django_db
def test_a_reload_sets_changed_relations_and_counts_each_fact_once(tmp_path):
    data = factbase.records()
    load_facts(paths=[factbase.write(tmp_path / "a.json", data)])
    factbase.find(data, "facts.event", "exile-to-orenburg")["fields"]["people"] = []
    factbase.find(data, "facts.work", "witness-to-the-german-revolution")["fields"]["coauthors"] = [["victor-serge"]]
    report = load_facts(paths=[factbase.write(tmp_path / "b.json", data)])
    assert (report.created, report.updated, report.deleted) == ({}, {"events": 1, "works": 1}, {})
    assert not Event.objects.get(key="exile-to-orenburg").people.exists()
    work = Work.objects.get(key="witness-to-the-german-revolution")
    assert [p.key for p in work.coauthors.all()] == ["victor-serge"] and work.author.key == "victor-serge"
    assert load_facts(paths=[factbase.write(tmp_path / "c.json", data)]).updated == {}


@pytest.fixture
def texts_dir(tmp_path):
    """Files for sources 001 to 003 only, each holding its quotes; source 004 has no file."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for key, text in ((factbase.S001, "Some say Serge only arrives in Russia in 1918, others not."),
                      (factbase.S002, "Arriving in the Soviet Union in January 1919, he joined."),
                      (factbase.S003, "He was then deported to Orenburg with his son.")):
        (folder / key).write_text(text, encoding="utf-8")
    return folder


STORED_004 = ("Victor Serge, a rare survivor of Stalin's Terror. His book was published as Witness to the German "
              "Revolution,1923. Serge died in 1947.")


@pytest.mark.django_db
def test_verify_quotes_checks_a_source_without_a_file_against_its_stored_text(base_file, texts_dir, tmp_path):
    load_facts(paths=[base_file], collection="group")
    Source.objects.filter(collection__key="group", key=factbase.S004).update(text=STORED_004)
    call_command("load_facts", str(base_file), collection="group", verify_quotes=str(texts_dir))
    data = factbase.records()
    data[5]["fields"]["quote"] = "Victor Serge, a survivor"  # not in the stored text
    data[7]["fields"]["quote"] = "Serge only arrives in Russia in 1918"  # in 001's file, not in 004's text
    data[7]["fields"]["source"] = [factbase.S001]
    bad = factbase.write(tmp_path / "bad.json", data)
    with pytest.raises(CommandError, match=(r"record 6, field 'quote': quote not found verbatim in the stored text "
                                            rf"of source '{factbase.S004}': 'Victor Serge, a survivor'")):
        call_command("load_facts", str(bad), collection="group", verify_quotes=str(texts_dir))
    data[5]["fields"]["quote"] = "Victor Serge, a rare survivor"
    call_command("load_facts", str(factbase.write(tmp_path / "good.json", data)), collection="group",
                 verify_quotes=str(texts_dir))
    assert Citation.objects.filter(person__collection__key="group", source__key=factbase.S004).get().quote == (
        "Victor Serge, a rare survivor")


@pytest.mark.django_db
def test_verify_quotes_names_a_source_with_neither_a_file_nor_a_stored_text(base_file, texts_dir):
    with pytest.raises(CommandError, match=(
            rf"nothing was loaded: .*record 6, field 'source': source '{factbase.S004}': no file {factbase.S004} in "
            rf"{texts_dir} and no text stored for it")):
        call_command("load_facts", str(base_file), verify_quotes=str(texts_dir))  # serge's 004 stores no text
    assert counts() == (0, 0, 0, 0, 0)
    load_facts(paths=[base_file], collection="group")  # a stored text of another collection is not this one's
    Source.objects.filter(collection__key="group", key=factbase.S004).update(text=STORED_004)
    with pytest.raises(CommandError, match="no text stored for it"):
        call_command("load_facts", str(base_file), verify_quotes=str(texts_dir))
