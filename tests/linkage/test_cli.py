"""`openmash link dedupe|pair`: the batch contract and its error paths (one clear line each)."""

from __future__ import annotations

import pandas as pd
import pytest

from linkage import INPUT_COLUMNS, generate_people
from linkage.cli import main as link_main
from openmash.cli import main as openmash_main


@pytest.fixture(scope="module")
def input_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("link") / "people.csv"
    people = generate_people(1500, seed=9)
    people["extra_column"] = "ignored"
    people.to_csv(path, index=False)
    return path


def run(capsys, *argv):
    code = link_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err.strip()


def test_dedupe_writes_pairs_at_or_above_one_half(input_csv, tmp_path, capsys):
    out = tmp_path / "pairs.csv"
    code, err = run(capsys, "dedupe", str(input_csv), "--out", str(out))
    assert code == 0, err
    pairs = pd.read_csv(out, dtype={"record_id_l": str, "record_id_r": str})
    assert list(pairs.columns) == ["record_id_l", "record_id_r", "match_probability"]
    assert len(pairs) > 100 and pairs.match_probability.min() >= 0.5
    assert "records" in err and "pairs written" in err
    out_all = tmp_path / "all.csv"
    assert run(capsys, "dedupe", str(input_csv), "--out", str(out_all), "--all")[0] == 0
    everything = pd.read_csv(out_all)
    assert len(everything) > len(pairs) and everything.match_probability.min() < 0.5


def test_pair_mode_through_the_openmash_command(input_csv, tmp_path, capsys):
    people = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    people.iloc[:700].to_csv(a, index=False)
    people.iloc[700:].to_csv(b, index=False)
    out = tmp_path / "pairs.csv"
    with pytest.raises(SystemExit) as done:
        openmash_main(["link", "pair", str(a), str(b), "--out", str(out), "--model-out", str(tmp_path / "m.json")])
    assert done.value.code == 0
    pairs = pd.read_csv(out, dtype=str)
    assert set(pairs.record_id_l) <= set(people.record_id.iloc[:700])
    assert set(pairs.record_id_r) <= set(people.record_id.iloc[700:])
    assert (tmp_path / "m.json").read_text().startswith("{")


def write(tmp_path, text: str, name: str = "in.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEADER = ",".join(INPUT_COLUMNS)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("given_name,family_name\nAnn,Lee\n", "no record_id column"),
        ("", "the file is empty"),
        (HEADER + "\n", "no records"),
        (
            HEADER + "\n1,A,B,2014-02-30,,,,\n2,A,B,12/03/2014,,,,\n3,A,B,2014-03-12,,,,\n4,A,B,yesterday,,,,\n",
            "date_of_birth is not a date like 2014-03-27 (or 27/03/2014) in rows 2, 5",
        ),
        (HEADER + "\n1,A,B,,,,,\n1,C,D,,,,,\n", "repeated record_id in rows 3"),
        (HEADER + "\n,A,B,,,,,\n", "blank record_id in rows 2"),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path, capsys, content, expected):
    path = write(tmp_path, content)
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith("openmash link: error: in.csv: ")
    assert expected in err
    assert not (tmp_path / "o.csv").exists()


def test_dedupe_reads_what_import_reads_and_reports_every_problem_at_once(tmp_path, capsys):
    """Review finding 15: a missing optional column is blank, DD/MM/YYYY dates are read as import reads them, and a
    repeated id no longer hides the bad dates (every problem in one message)."""
    path = write(
        tmp_path, "record_id,given_name,family_name,date_of_birth\n1,Ann,Lee,02/01/2014\n2,Anne,Lee,2014-01-02\n"
    )
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"), "--all")
    assert code == 0, err
    pairs = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert ("1", "2") in set(zip(pairs.record_id_l, pairs.record_id_r, strict=True))
    path = write(tmp_path, "record_id,given_name,date_of_birth\n1,Ann,31/02/2014\n1,Bea,2014-01-02\n,Cy,soon\n")
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 1 and len(err.splitlines()) == 1
    assert "blank record_id in rows 4" in err and "repeated record_id in rows 3" in err
    assert "date_of_birth is not a date like 2014-03-27 (or 27/03/2014) in rows 2, 4" in err


def test_written_record_ids_are_neutralised_against_formulas(tmp_path, capsys):
    """Review finding 8: the pairs file's record ids come from the input; a formula-like one is written inert."""
    path = write(
        tmp_path,
        HEADER + "\n=1+1,Ann,Lee,2014-01-02,F,LS1 4AB,,999 314 1593\n@2,Anne,Lee,2014-01-02,F,LS1 4AB,,9993141593\n",
    )
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 0, err
    pairs = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert {pairs.record_id_l[0], pairs.record_id_r[0]} == {"'=1+1", "'@2"}


def test_missing_file_not_utf8_and_usage(tmp_path, capsys):
    code, err = run(capsys, "dedupe", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv"))
    assert (code, err) == (1, "openmash link: error: nope.csv: no such file")
    path = write(tmp_path, HEADER + "\n1,Zoë,B,,,,,\n", encoding="utf-16")
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 1 and "not UTF-8 text" in err
    with pytest.raises(SystemExit) as done:
        link_main(["dedupe", str(path)])
    assert done.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_a_handful_of_records_still_links_on_the_nhs_number(tmp_path, capsys):
    path = write(
        tmp_path,
        HEADER
        + "\n1,Ann,Lee,2014-01-02,F,LS1 4AB,,999 314 1593\n2,Anne,Lee,2014-01-02,F,LS1 4AB,,999-314-1593"
        + "\n3,Bob,Kay,2001-05-06,M,,,0000000000\n4,Rob,Kay,2001-05-06,M,,,0000000000\n",
    )
    code, err = run(capsys, "dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert code == 0, err
    assert "used the model trained on generated people" in err
    pairs = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert ("1", "2", "1") in set(zip(pairs.record_id_l, pairs.record_id_r, pairs.match_probability, strict=True))
