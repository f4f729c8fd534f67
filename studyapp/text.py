"""Text identity shared by every app: one `fold` for search, card rules, distractors and grading.

It lives at the bottom of the import graph (it imports nothing of ours), so facts can use it without
importing cards.
"""

import re
import unicodedata


def fold(text) -> str:
    """Identity of an answer for comparison: no case, accents, apostrophes, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", "" if text is None else str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[’'`´]", "", text)
    return " ".join(re.findall(r"\w+", text))
