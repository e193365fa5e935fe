"""Shared fixtures for the linkage engine's tests: no Django database is used anywhere here."""

from __future__ import annotations

import pandas as pd
import pytest

from linkage import INPUT_COLUMNS, dedupe, generate_people


@pytest.fixture(scope="session")
def people() -> pd.DataFrame:
    """3,000 generated records with truth (entity_id)."""
    return generate_people(3000, seed=11)


@pytest.fixture(scope="session")
def trained(people):
    """A LinkResult: the default model trained (EM, no labels) on the generated records, every pair scored."""
    return dedupe(people, threshold=None)


def record(**fields) -> dict:
    """A batch record with every column ("" unless given)."""
    return {c: "" for c in INPUT_COLUMNS} | fields


def frame(*records: dict) -> pd.DataFrame:
    rows = [record(record_id=str(i), **r) for i, r in enumerate(records)]
    return pd.DataFrame(rows)[list(INPUT_COLUMNS)]
