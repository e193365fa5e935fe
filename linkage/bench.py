"""`openmash bench linkage`: our engine beside Splink 5 on generated people with known truth.

For each size it generates records (``linkage.synthetic``), writes them as a batch CSV, then runs, each in its own
process so that peak memory (peak resident set size, from ``wait4``) and wall time are its own:

- **ours**: ``openmash link dedupe`` (``linkage.cli``): normalise, block, train (EM, no labels), score, write;
- **Splink 5** (DuckDB backend) with a sensible standard model an analyst would write from Splink's tutorials:
  ``NameComparison`` on first name and surname (term-frequency adjusted), ``DateOfBirthComparison``,
  ``PostcodeComparison``, exact sex and exact identifier (spaces and hyphens removed); blocking on date of birth
  and on surname + postcode; the prior from a deterministic rule (recall 0.7), u by random sampling (10^7 pairs),
  m by EM on the two blocking rules; then predict at 0.5.

Both read the same CSV and write pairs with probability >= 0.5; precision, recall and F1 are pairwise against the
true pairs. Targets at 1,000,000 records (issue 6): our F1 >= Splink's, our time <= half of Splink's, our peak
memory <= 2 GB. Exit status 1 when a target is missed at a size of 1,000,000 or more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["evaluate", "main", "run_splink_standard"]

TARGET_MEMORY_BYTES = 2 * 1024**3
TARGET_SIZE = 1_000_000


def run_splink_standard(input_csv: str, out_csv: str, *, u_max_pairs: float = 1e7) -> None:
    """The Splink 5 standard model on a batch CSV (see module docstring); writes pairs >= 0.5 to ``out_csv``."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    df = df[["record_id", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "identifier"]]
    # The cleaning any analyst does first: blanks as NULL, names in lower case, postcodes "AB1 2CD", identifiers
    # without spaces or hyphens.
    for col in ("given_name", "family_name"):
        df[col] = df[col].str.strip().str.lower()
    pc = df["postcode"].str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    df["postcode"] = pc.str.replace(r"^(.+)([0-9][A-Z]{2})$", r"\1 \2", regex=True)
    df["identifier"] = df["identifier"].str.replace(r"[\s\-]", "", regex=True)
    df["sex"] = df["sex"].str.upper()
    df = df.astype(object).where(df != "", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("identifier"),
        ],
        blocking_rules_to_generate_predictions=[block_on("date_of_birth"), block_on("family_name", "postcode")],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    api = DuckDBAPI()
    linker = Linker(api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name", "postcode"))
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    out = pairs.rename(columns={"record_id_l": "record_id_l", "record_id_r": "record_id_r"})
    out[["record_id_l", "record_id_r", "match_probability"]].to_csv(out_csv, index=False, float_format="%.6g")


def evaluate(records: pd.DataFrame, pairs_csv: str | Path) -> dict:
    """Pairwise precision, recall and F1 of the pairs in ``pairs_csv`` against ``records.entity_id``."""
    from linkage.synthetic import truth_pairs

    position = pd.Series(np.arange(len(records)), index=records["record_id"].astype(str))
    pairs = pd.read_csv(pairs_csv, dtype={"record_id_l": str, "record_id_r": str})
    pairs = pairs[pairs["match_probability"] >= 0.5]
    a = position.reindex(pairs["record_id_l"]).to_numpy()
    b = position.reindex(pairs["record_id_r"]).to_numpy()
    n = np.int64(len(records))
    predicted = np.unique(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    truth = truth_pairs(records["entity_id"].to_numpy())
    true_keys = np.unique(truth[:, 0].astype(np.int64) * n + truth[:, 1])
    tp = int(np.isin(predicted, true_keys, assume_unique=True).sum())
    precision = tp / len(predicted) if len(predicted) else 0.0
    recall = tp / len(true_keys) if len(true_keys) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": int(len(predicted)),
        "true_pairs": int(len(true_keys)),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _measure(cmd: list[str], timeout: float) -> dict:
    """Run ``cmd``; wall seconds, peak RSS (bytes, from wait4) and exit status."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 - our own command
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss": usage.ru_maxrss * 1024,
        "exit": code,
        "stderr": stderr.strip()[-600:],
    }


def _fmt_bytes(n: float) -> str:
    return f"{n / 1024**2:,.0f} MB"


def _row(name: str, m: dict, acc: dict | None) -> str:
    if m["exit"] != 0 or acc is None:
        return (
            f"  {name:<10} FAILED (exit {m['exit']} after {m['seconds']:.1f} s, peak {_fmt_bytes(m['peak_rss'])}): "
            + (m["stderr"].splitlines()[-1] if m["stderr"] else "")
        )
    return (
        f"  {name:<10} precision {acc['precision']:.4f}  recall {acc['recall']:.4f}  F1 {acc['f1']:.4f}  "
        f"time {m['seconds']:8.1f} s  (CPU {m['cpu_seconds']:8.1f} s)  peak memory {_fmt_bytes(m['peak_rss'])}"
    )


def run_size(n: int, *, seed: int, workdir: Path, timeout: float, engines: list[str], out) -> dict:
    from linkage.synthetic import generate_people

    t = time.perf_counter()
    records = generate_people(n, seed=seed)
    input_csv = workdir / f"people_{n}.csv"
    records.to_csv(input_csv, index=False)
    truth_count = int(records.groupby("entity_id").size().map(lambda k: k * (k - 1) // 2).sum())
    print(
        f"\n{n:,} records ({records['entity_id'].nunique():,} people, {truth_count:,} true pairs; "
        f"generated in {time.perf_counter() - t:.0f} s)",
        file=out,
        flush=True,
    )
    result: dict = {"records": n}
    commands = {
        "ours": [
            sys.executable,
            "-m",
            "linkage.cli",
            "dedupe",
            str(input_csv),
            "--out",
            str(workdir / f"ours_{n}.csv"),
            "--quiet",
        ],
        "splink": [
            sys.executable,
            "-m",
            "linkage.bench",
            "--splink-run",
            str(input_csv),
            str(workdir / f"splink_{n}.csv"),
        ],
    }
    for engine in engines:
        m = _measure(commands[engine], timeout)
        out_csv = workdir / f"{engine}_{n}.csv"
        acc = evaluate(records, out_csv) if m["exit"] == 0 and out_csv.exists() else None
        result[engine] = {**m, **(acc or {})}
        print(_row("Ours" if engine == "ours" else "Splink 5", m, acc), file=out, flush=True)
    return result


def _verdict(result: dict) -> list[str]:
    ours, theirs = result.get("ours", {}), result.get("splink", {})
    lines = []
    if "f1" in ours and "f1" in theirs:
        lines.append(
            f"F1 ours {ours['f1']:.4f} vs Splink {theirs['f1']:.4f}: "
            + ("met" if ours["f1"] >= theirs["f1"] else "MISSED")
        )
        ratio = ours["seconds"] / theirs["seconds"]
        lines.append(f"time ours/Splink {ratio:.2f} (target <= 0.50): " + ("met" if ratio <= 0.5 else "MISSED"))
    if "peak_rss" in ours:
        lines.append(
            f"peak memory ours {_fmt_bytes(ours['peak_rss'])} (target <= 2,048 MB): "
            + ("met" if ours["peak_rss"] <= TARGET_MEMORY_BYTES else "MISSED")
        )
    return lines


def main(argv: list[str] | None = None, *, prog: str = "openmash bench linkage") -> int:
    """Command line (see module docstring). Returns the exit status."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,100000", help="comma-separated record counts (e.g. 10000,100000,1000000)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engines", default="ours,splink", help="ours, splink or both (comma-separated)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed per engine run")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--splink-run", nargs=2, metavar=("INPUT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.splink_run:
        run_splink_standard(*args.splink_run)
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"{prog}: error: --sizes must be numbers like 10000,100000", file=sys.stderr)
        return 2
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not sizes or min(sizes) < 100 or set(engines) - {"ours", "splink"}:
        print(f"{prog}: error: sizes of at least 100 and engines from ours,splink", file=sys.stderr)
        return 2
    if "splink" in engines:
        try:
            import splink  # noqa: F401
        except ImportError:
            print(f"{prog}: error: Splink is not installed: pip install -e '.[linkage-scale]'", file=sys.stderr)
            return 1
    print(
        f"Linkage benchmark: {os.cpu_count()} cores; sizes {', '.join(f'{s:,}' for s in sizes)}; seed {args.seed}; "
        f"load average {os.getloadavg()[0]:.1f} (time is wall-clock; CPU is user + system of the run's process)"
    )
    results, failed = [], False
    with tempfile.TemporaryDirectory(prefix="openmash-bench-linkage-") as tmp:
        for n in sizes:
            result = run_size(
                n, seed=args.seed, workdir=Path(tmp), timeout=args.timeout, engines=engines, out=sys.stdout
            )
            print(f"  (load average now {os.getloadavg()[0]:.1f})")
            for line in _verdict(result):
                print("  " + line)
                failed |= n >= TARGET_SIZE and "MISSED" in line
            results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
