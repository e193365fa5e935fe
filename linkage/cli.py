"""`openmash link`: the batch contract for partners' analysts and for benchmarking (issue 6).

    openmash link dedupe INPUT.csv --out PAIRS.csv [--all] [--model-out MODEL.json]
    openmash link pair A.csv B.csv --out PAIRS.csv [--all] [--model-out MODEL.json]

Input: CSV (UTF-8) with columns record_id, given_name, family_name, date_of_birth (YYYY-MM-DD), sex, postcode,
address, identifier; any value may be blank; other columns are ignored. Output: CSV with record_id_l, record_id_r,
match_probability — one row per pair with probability >= 0.5, or every scored pair with --all. The model is
trained on the input itself (no labels). Errors: one line on standard error, exit status 1 (2 for usage).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        description="Find records of the same person (trains on the input, no labels).",
        epilog="In a partnership's database: `openmash link train` (EM on its agency records) and `openmash link "
        "records [--since DATE]` (score records not yet scored).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    dedupe = sub.add_parser("dedupe", help="pairs of records of the same person within one file")
    dedupe.add_argument("input", type=Path, help="CSV file of records")
    pair = sub.add_parser("pair", help="pairs of records of the same person across two files")
    pair.add_argument("left", type=Path, help="first CSV file (record_id_l)")
    pair.add_argument("right", type=Path, help="second CSV file (record_id_r)")
    for p in (dedupe, pair):
        p.add_argument("--out", type=Path, required=True, help="CSV file to write the pairs to")
        p.add_argument("--all", action="store_true", help="write every scored pair, not only those >= 0.5")
        p.add_argument("--model-out", type=Path, help="also write the trained model as JSON")
        p.add_argument("--quiet", action="store_true", help="no summary on standard error")
    return parser


#: What a spreadsheet reads as a formula at the start of a cell (OWASP CSV injection; the platform's rule is
#: ``openmash.audit.export.neutralise``, which this engine cannot import: it runs without Django).
_FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise_cell(value) -> str:
    """A cell as text no spreadsheet will evaluate: prefixed with ' when it starts like a formula (the record ids
    written come from the input file). In: any value. Out: its text, neutralised. Source: ADR 0006."""
    text = "" if value is None else str(value)
    return "'" + text if text and text[0] in _FORMULA_STARTS else text


def main(argv: list[str] | None = None, *, prog: str = "openmash link") -> int:
    """Run the command line; return the exit status (0 ok, 1 bad input, 2 usage)."""
    from linkage.linker import dedupe, link
    from linkage.records import InputError, read_records_csv

    args = _parser(prog).parse_args(argv)
    started = time.perf_counter()
    threshold = None if args.all else 0.5
    try:
        if args.command == "dedupe":
            records = [read_records_csv(args.input)]
            result = dedupe(records[0], threshold=threshold)
        else:
            records = [read_records_csv(args.left), read_records_csv(args.right)]
            result = link(records[0], records[1], threshold=threshold)
        if args.out.parent and not args.out.parent.exists():
            raise InputError(f"{args.out}: its folder does not exist")
        out = result.pairs[["record_id_l", "record_id_r", "match_probability"]].copy()
        for column in ("record_id_l", "record_id_r"):
            out[column] = out[column].map(neutralise_cell)
        out.to_csv(args.out, index=False, float_format="%.6g")
        if args.model_out:
            args.model_out.write_text(result.model.to_json())
    except (InputError, ValueError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 1
    if "fallback_model" in result.timings:
        print(
            f"{prog}: note: too few records to learn weights from; used the model trained on generated people "
            "(the NHS number rules apply as always)",
            file=sys.stderr,
        )
    if not args.quiet:
        n = sum(len(r) for r in records)
        scored = len(result.run.blocks)
        print(
            f"{n} records, {scored} candidate pairs scored, {len(result.pairs)} pairs written to {args.out} "
            f"in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
