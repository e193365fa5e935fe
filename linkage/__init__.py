"""OpenMASH's framework-free person-matching engine (no Django imports; checked by import-linter in CI).

Public API only; the modules hold the code.
"""

from linkage.names import NameKeys, compact, dob_variants, fold, name_keys, nickname_forms, phonetic, tokens

__all__ = ["NameKeys", "compact", "dob_variants", "fold", "name_keys", "nickname_forms", "phonetic", "tokens"]
