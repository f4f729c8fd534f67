"""A small, valid fact base built from real quotes, for tests that need to break or edit fixtures.

The quotes are verbatim from ../shared/sources, so the same records also pass --verify-quotes.
"""

import copy
import json

S004 = "004_d86e2718dc32d0a4.txt"
S003 = "003_862357227f09bacf.txt"
S002 = "002_0e60dd2ef6e7dc56.txt"
S001 = "001_e12f7c733d914233.txt"

RECORDS = [
    {"model": "facts.source", "fields": {"key": S001, "title": "Discussion of Memoirs of a Revolutionary",
                                         "kind": "discussion report"}},
    {"model": "facts.source", "fields": {"key": S002, "title": "Victor Serge biography", "kind": "biography note"}},
    {"model": "facts.source", "fields": {"key": S003, "title": "Victor Serge’s World and Ours", "kind": "article",
                                         "author": "Susan Weissman", "publication": "Against the Current",
                                         "year": 1988}},
    {"model": "facts.source", "fields": {"key": S004, "title": "Revolutionary Victor Serge Has a Message",
                                         "kind": "review"}},
    {"model": "facts.person", "fields": {"key": "victor-serge", "name": "Victor Serge", "aliases": ["Serge"],
                                         "description": "Revolutionary writer who survived Stalin's Terror.",
                                         "roles": ["writer"]}},
    {"model": "facts.citation", "fields": {"source": [S004], "person": ["victor-serge"],
                                           "quote": "Victor Serge, a rare survivor of Stalin's Terror"}},
    {"model": "facts.work", "fields": {"key": "witness-to-the-german-revolution",
                                       "title": "Witness to the German Revolution", "author": ["victor-serge"],
                                       "year": 1923, "kind": "non-fiction"}},
    {"model": "facts.citation", "fields": {"source": [S004], "work": ["witness-to-the-german-revolution"],
                                           "quote": "published as Witness to the German Revolution,1923"}},
    {"model": "facts.event", "fields": {"key": "1947-death-of-victor-serge", "when": "1947", "date": "1947-01-01",
                                        "precision": "year", "description": "Victor Serge dies.",
                                        "people": [["victor-serge"]]}},
    {"model": "facts.citation", "fields": {"source": [S004], "event": ["1947-death-of-victor-serge"],
                                           "quote": "Serge died in 1947"}},
    {"model": "facts.event", "fields": {"key": "exile-to-orenburg", "when": "1933", "date": "1933-01-01",
                                        "precision": "year", "description": "Victor Serge is exiled to Orenburg.",
                                        "people": [["victor-serge"]]}},
    {"model": "facts.citation", "fields": {"source": [S003], "event": ["exile-to-orenburg"],
                                           "quote": "He was then deported to Orenburg"}},
    {"model": "facts.event", "fields": {"key": "1919-serge-arrives-in-russia", "when": "January 1919",
                                        "date": "1919-01-01", "precision": "month",
                                        "description": "Victor Serge arrives in Soviet Russia.",
                                        "people": [["victor-serge"]]}},
    {"model": "facts.citation", "fields": {"source": [S002], "event": ["1919-serge-arrives-in-russia"],
                                           "quote": "Arriving in the Soviet Union in January 1919"}},
    {"model": "facts.citation", "fields": {"source": [S001], "event": ["1919-serge-arrives-in-russia"],
                                           "quote": "Serge only arrives in Russia in 1918",
                                           "claim": {"when": "1918", "date": "1918-01-01", "precision": "year"}}},
]


def records():
    return copy.deepcopy(RECORDS)


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def find(data, model, key):
    return next(r for r in data if r["model"] == model and r["fields"].get("key") == key)
