"""Where the arithmetic runs. One interface, two implementations:

- ``memory`` (``MemoryBackend``): in-process, vectorised numpy; the default for batch files up to a few million
  records on one machine, and what ``openmash link`` runs;
- ``splink`` (``SplinkBackend``): the same model (exported by ``linkage.splink_settings``) run by Splink on DuckDB or
  on Spark, for national scale (needs the ``linkage-scale`` extra; Spark also needs PySpark and Java 17).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import pandas as pd

from linkage.config import ModelConfig

__all__ = ["LinkageBackend", "get_backend"]


class LinkageBackend(ABC):
    """Scores candidate pairs of records under a trained model.

    ``predict(frames, model, threshold)``: ``frames`` is one ``normalise_records`` frame (dedupe) or two (link);
    returns a DataFrame ``record_id_l, record_id_r, match_probability, match_weight`` of the pairs scored at or above
    ``threshold`` (every scored pair when ``threshold`` is None).
    """

    name: str

    @abstractmethod
    def predict(self, frames: list[pd.DataFrame], model: ModelConfig, threshold: float | None) -> pd.DataFrame: ...


def get_backend(name: str, **options) -> LinkageBackend:
    """``"memory"`` or ``"splink"`` (options: ``engine="duckdb"|"spark"``, ``spark_session=``). Raises ValueError for
    another name, ImportError when the splink extra is not installed."""
    if name == "memory":
        from linkage.backends.memory import MemoryBackend

        return MemoryBackend(**options)
    if name == "splink":
        from linkage.backends.splink import SplinkBackend

        return SplinkBackend(**options)
    raise ValueError(f"unknown backend {name!r}: choose memory or splink")
