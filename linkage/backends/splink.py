"""Run a trained model on Splink 5 — DuckDB on one machine, Spark for national scale.

Needs the ``linkage-scale`` extra (``pip install 'openmash[linkage-scale]'``); Spark also needs Java 17. The model is
exported by ``linkage.splink_settings``; the records are prepared by ``linkage.records.normalise_records`` (for
Spark at scale, run it per partition, e.g. ``mapInPandas``, then hand the DataFrame to Splink).
"""

from __future__ import annotations

import logging

import pandas as pd

from linkage.backends import LinkageBackend
from linkage.config import ModelConfig
from linkage.splink_settings import splink_input, to_splink_settings

__all__ = ["SplinkBackend", "spark_session"]


def spark_session(*, cores: int = 1, app_name: str = "openmash-linkage", checkpoint_dir: str | None = None):
    """A local-mode Spark session with Splink's similarity UDF jar (jaro_winkler) and a checkpoint folder (Splink
    checkpoints to break long lineages; default: a new temporary folder). Needs PySpark and Java 17.

    In production, build the session for the cluster instead (the jar path is
    ``splink.backends.spark.similarity_jar_location()``; the checkpoint folder on shared storage)."""
    import tempfile

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="openmash-spark-"))
    return session


class SplinkBackend(LinkageBackend):
    """``engine``: ``"duckdb"`` (default) or ``"spark"`` (pass ``spark_session`` or one is started locally)."""

    name = "splink"

    def __init__(self, *, engine: str = "duckdb", spark_session=None) -> None:
        if engine not in ("duckdb", "spark"):
            raise ValueError("engine must be 'duckdb' or 'spark'")
        self.engine = engine
        self._spark = spark_session

    def _api(self):
        if self.engine == "duckdb":
            from splink import DuckDBAPI

            return DuckDBAPI()
        from splink import SparkAPI

        if self._spark is None:
            self._spark = spark_session()
        return SparkAPI(spark_session=self._spark)

    def _table(self, frame: pd.DataFrame):
        if self.engine == "duckdb":
            return frame
        from pyspark.sql import types as T

        array_columns = {"given_forms", "family_parts"}
        int_columns = {"dob_year", "dob_month", "dob_day", "dob_month_day", "dob_transposed"}
        fields = []
        for column in frame.columns:
            if column in array_columns:
                kind = T.ArrayType(T.StringType())
            elif column in int_columns:
                kind = T.LongType()
            elif column == "identifier_deterministic":
                kind = T.BooleanType()
            else:
                kind = T.StringType()
            fields.append(T.StructField(column, kind, True))
        rows = [tuple(None if v is None else v for v in row) for row in frame.itertuples(index=False, name=None)]
        return self._spark.createDataFrame(rows, schema=T.StructType(fields))

    def predict(self, frames: list[pd.DataFrame], model: ModelConfig, threshold: float | None) -> pd.DataFrame:
        """Scored pairs (see ``LinkageBackend``), computed by Splink."""
        from splink import Linker

        settings = to_splink_settings(model, self.engine)
        settings["retain_intermediate_calculation_columns"] = True  # each comparison's weight: the ceiling below
        api = self._api()
        if len(frames) == 1:
            prepared = [splink_input(frames[0], model)]
        else:
            both = splink_input(pd.concat(frames, ignore_index=True), model)
            prepared = [both.iloc[: len(frames[0])], both.iloc[len(frames[0]) :]]
        names = ["records_left", "records_right"][: len(prepared)]
        tables = [
            api.register(self._table(t.reset_index(drop=True)), dataset_display_name=name)
            for t, name in zip(prepared, names, strict=True)
        ]
        linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.WARNING)
        result = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
        if len(tables) > 1 and "source_dataset_l" in result.columns:
            flip = result["source_dataset_l"] != "records_left"
            for a, b in (("unique_id_l", "unique_id_r"),):
                result.loc[flip, [a, b]] = result.loc[flip, [b, a]].to_numpy()
        out = pd.DataFrame(
            {
                "record_id_l": result["unique_id_l"].astype(str),
                "record_id_r": result["unique_id_r"].astype(str),
                "match_probability": result["match_probability"].astype(float),
                "match_weight": result["match_weight"].astype(float),
            }
        )
        out = _no_dob_ceiling(out, result, model, pd.concat(frames, ignore_index=True))
        if threshold is not None:
            out = out[out["match_probability"] >= threshold]
        return out.sort_values("match_probability", ascending=False, kind="stable").reset_index(drop=True)


def _no_dob_ceiling(out: pd.DataFrame, result: pd.DataFrame, model: ModelConfig, records: pd.DataFrame) -> pd.DataFrame:
    """``linkage.scoring.NO_DOB_CEILING`` on Splink's scores (Splink has no such rule): a pair with no date of birth
    on either record (``dob`` null in the normalised ``records``, the date of birth comparison's blank level) and no
    rule level (a rule is a fixed +-100-bit level: any comparison's ``mw_`` weight past 50 bits) has its weight
    lowered to the ceiling's, as ``linkage.scoring.score_pairs`` does. A model without a date of birth comparison is
    left as it is."""
    import numpy as np

    from linkage.scoring import NO_DOB_CEILING

    if not any(c.name == "date_of_birth" for c in model.comparisons) or "dob" not in records.columns:
        return out
    blank = set(records.loc[records["dob"].isna(), "unique_id"].astype(str))
    no_dob = out["record_id_l"].isin(blank).to_numpy() | out["record_id_r"].isin(blank).to_numpy()
    ruled = np.zeros(len(out), dtype=bool)
    for c in model.comparisons:
        if f"mw_{c.name}" in result.columns:
            ruled |= np.abs(result[f"mw_{c.name}"].astype(float).fillna(0).to_numpy()) >= 50
    cap = float(np.log2(NO_DOB_CEILING / (1 - NO_DOB_CEILING)))
    over = no_dob & ~ruled & (out["match_weight"].to_numpy() > cap)
    if over.any():
        out = out.copy()
        out.loc[over, "match_weight"] = cap
        out.loc[over, "match_probability"] = NO_DOB_CEILING
    return out
