"""A synthetic fact base big enough for quizzes (plausible distractors need several facts of each type).

Used by tests/test_quiz.py; the property tests run on the real base in fixtures/.
"""

import json

S1, S2 = "001_e12f7c733d914233.txt", "002_0e60dd2ef6e7dc56.txt"
PEOPLE = [
    ("victor-serge", "Victor Serge", ["Serge"], "Revolutionary writer and novelist.", ["writer"]),
    ("leon-trotsky", "Leon Trotsky", [], "Leader of the Red Army.", ["revolutionary"]),
    ("joseph-stalin", "Joseph Stalin", [], "General Secretary of the party.", ["politician"]),
    ("vlady-kibalchich", "Vlady Kibalchich", ["Vlady"], "Painter, son of Victor Serge.", ["painter"]),
    ("liuba-russakova", "Liuba Russakova", [], "Wife of Victor Serge.", ["family"]),
    ("andre-gide", "André Gide", ["Gide"], "French novelist who visited the USSR.", ["writer"]),
    ("romain-rolland", "Romain Rolland", [], "French writer and Nobel laureate.", ["writer"]),
    ("boris-souvarine", "Boris Souvarine", [], "Historian of Stalin.", ["writer"]),
    ("maxim-gorky", "Maxim Gorky", ["Gorky"], "Russian writer close to the regime.", ["writer"]),
]
WORKS = [
    ("conquered-city", "Conquered City", "victor-serge", 1932, "novel"),
    ("midnight-in-the-century", "Midnight in the Century", "victor-serge", 1939, "novel"),
    ("the-case-of-comrade-tulayev", "The Case of Comrade Tulayev", "victor-serge", 1948, "novel"),
    ("memoirs-of-a-revolutionary", "Memoirs of a Revolutionary", "victor-serge", 1951, "memoir"),
    ("year-one", "Year One of the Russian Revolution", "victor-serge", 1930, "history"),
    ("men-in-prison", "Men in Prison", "victor-serge", 1930, "novel"),
    ("birth-of-our-power", "Birth of Our Power", "victor-serge", 1931, "novel"),
    ("stalin-souvarine", "Stalin: A Critical Survey", "boris-souvarine", 1935, "history"),
    ("return-from-the-ussr", "Return from the USSR", "andre-gide", 1936, "essay"),
]
EVENTS = [
    ("serge-born", "1890", "1890-01-01", "year", "Victor Serge is born in Brussels."),
    ("bonnot-trial", "1913", "1913-01-01", "year", "Serge is sentenced in the Bonnot gang trial."),
    ("arrival", "January 1919", "1919-01-01", "month", "Serge arrives in Soviet Russia."),
    ("expelled", "1928", "1928-01-01", "year", "Serge is expelled from the party."),
    ("orenburg", "1933", "1933-01-01", "year", "Serge is deported to Orenburg."),
    ("released", "1936", "1936-01-01", "year", "Serge leaves the USSR with his family."),
    ("mexico", "1941", "1941-01-01", "year", "Serge reaches Mexico."),
    ("death", "17 November 1947", "1947-11-17", "day", "Serge dies in Mexico City."),
    ("twenties", "1920s", "1920-01-01", "decade", "Serge works for the Comintern."),
    # Around Orenburg, enough close events for order questions, some overlapping (ties an order must avoid):
    ("trotsky-deported", "1929", "1929-01-01", "year", "Trotsky is deported from the USSR."),
    ("kirov", "1 December 1934", "1934-12-01", "day", "Kirov is assassinated in Leningrad."),
    ("first-trial", "August 1936", "1936-08-01", "month", "A Moscow trial of old Bolsheviks is held."),
    ("poum", "1937", "1937-01-01", "year", "Serge defends the POUM in the French press."),
]
# Spans: (key, when, date, end, precision, description).
SPANS = [
    ("orenburg-years", "1933–1936", "1933-01-01", "1936-12-31", "year", "Serge lives in exile with his son."),
]


def records():
    out = [
        {"model": "facts.source", "fields": {"key": S1, "title": "Discussion of Memoirs", "kind": "discussion"}},
        {"model": "facts.source", "fields": {"key": S2, "title": "Victor Serge biography", "kind": "biography"}},
    ]
    for key, name, aliases, description, roles in PEOPLE:
        out.append({"model": "facts.person", "fields": {"key": key, "name": name, "aliases": aliases,
                                                       "description": description, "roles": roles}})
        out.append({"model": "facts.citation", "fields": {"source": [S2], "person": [key],
                                                         "quote": f"{name} is the one we mean here"}})
    for key, title, author, year, kind in WORKS:
        out.append({"model": "facts.work", "fields": {"key": key, "title": title, "author": [author], "year": year,
                                                     "kind": kind}})
        out.append({"model": "facts.citation", "fields": {"source": [S2], "work": [key],
                                                         "quote": f"the book came out in {year}"}})
    for key, when, date, precision, description in EVENTS:
        out.append({"model": "facts.event", "fields": {"key": key, "when": when, "date": date,
                                                      "precision": precision, "description": description,
                                                      "people": [["victor-serge"]]}})
        out.append({"model": "facts.citation", "fields": {"source": [S2], "event": [key],
                                                         "quote": f"it happened in {when}"}})
    for key, when, date, end, precision, description in SPANS:
        out.append({"model": "facts.event", "fields": {"key": key, "when": when, "date": date, "end": end,
                                                      "precision": precision, "description": description,
                                                      "people": [["victor-serge"]]}})
        out.append({"model": "facts.citation", "fields": {"source": [S2], "event": [key],
                                                         "quote": f"it went on from {when}"}})
    # Disputed: one source dates the arrival to 1918, another gives Tulayev a 1947 year.
    out.append({"model": "facts.citation", "fields": {"source": [S1], "event": ["arrival"],
                                                     "quote": "Serge only arrives in Russia in 1918",
                                                     "claim": {"when": "1918", "date": "1918-01-01",
                                                               "precision": "year"}}})
    out.append({"model": "facts.citation", "fields": {"source": [S1], "work": ["the-case-of-comrade-tulayev"],
                                                     "quote": "Tulayev, written by 1947", "claim": {"year": 1947}}})
    return out


def load(tmp_path):
    from studyapp.content import load_facts

    path = tmp_path / "quizbase.json"
    path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")
    return load_facts(paths=[path])
