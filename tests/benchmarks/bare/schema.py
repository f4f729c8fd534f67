"""The bare app's tables: cards, one review state per (user, card), an append-only review log."""

TABLES = """
CREATE TABLE bare_card (
    id integer PRIMARY KEY, deck varchar(10) NOT NULL, prompt text NOT NULL, answer text NOT NULL);
CREATE TABLE bare_state (
    id {serial} PRIMARY KEY, user_id integer NOT NULL, card_id integer NOT NULL REFERENCES bare_card (id),
    state smallint NOT NULL, step smallint, stability {float} NOT NULL, difficulty {float} NOT NULL,
    due {timestamp} NOT NULL, last_review {timestamp}, reps integer NOT NULL, lapses integer NOT NULL,
    suspended boolean NOT NULL, version integer NOT NULL, UNIQUE (user_id, card_id));
CREATE INDEX bare_state_user_due ON bare_state (user_id, due);
CREATE TABLE bare_log (
    id {serial} PRIMARY KEY, user_id integer NOT NULL, card_id integer NOT NULL REFERENCES bare_card (id),
    review_id {uuid} NOT NULL, rating smallint NOT NULL, reviewed_at {timestamp} NOT NULL, duration_ms integer,
    state smallint NOT NULL, due {timestamp} NOT NULL, stability {float} NOT NULL, difficulty {float} NOT NULL,
    UNIQUE (user_id, review_id));
"""
TYPES = {
    "postgresql": {"serial": "bigserial", "float": "double precision", "timestamp": "timestamptz", "uuid": "uuid"},
    "sqlite": {"serial": "integer", "float": "real", "timestamp": "datetime", "uuid": "char(32)"},
}


def create_tables(connection):
    with connection.cursor() as cursor:
        for table in ("bare_log", "bare_state", "bare_card"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in TABLES.format(**TYPES[connection.vendor]).split(";"):
            if statement.strip():
                cursor.execute(statement)
