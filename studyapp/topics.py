"""The periods cards are filed under (topics), defined once.

At the bottom of the import graph (imports nothing of ours), so the settings in accounts, the card generator
and the pages and API that filter by period all take them from here.
"""

# Period tags, so a student can study one stretch of Serge's life at a time. ASCII hyphens: the tags are
# matched inside JSON text, which SQLite stores \u-escaped and PostgreSQL does not.
PERIODS = (
    (None, 1904, "before 1905"),
    (1905, 1916, "1905-1916"),
    (1917, 1921, "1917-1921"),
    (1922, 1935, "1922-1935"),
    (1936, 1947, "1936-1947"),
    (1948, None, "after 1947"),
)
TOPICS = tuple(label for _, _, label in PERIODS)
