import pytest


@pytest.fixture(autouse=True)
def checkpoint_file(tmp_path, settings):
    """Every audit test writes its checkpoints into a file of its own, never var/."""
    path = tmp_path / "audit-checkpoints.jsonl"
    settings.OPENMASH_AUDIT_CHECKPOINT_FILE = path
    return path
