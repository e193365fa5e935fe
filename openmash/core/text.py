import re
import unicodedata


def normalise_name(value: str) -> str:
    """Lower-case, accents folded, only letters kept: for search and matching, never for display."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())
