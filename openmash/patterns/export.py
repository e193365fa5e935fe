"""The rows of `openmash flags export` (issue 8's contract; ADR 0015): one per child with a pattern, sorted by
their record ids (with the records of a person proposed as possibly the same child when the flag relies on them). ``export_rows(evaluation) -> [(record_ids, agencies, explanation)]``, cells neutralised against
formula injection (``audit.export.neutralise``)."""

from __future__ import annotations

from collections import defaultdict

from openmash.audit.export import neutralise
from openmash.patterns.evaluation import Evaluation, explanations_for
from openmash.people.models import AgencyRecord


def export_rows(result: Evaluation) -> list[tuple[str, str, str]]:
    roots = list(result.results)
    # a flag resting on records of a person proposed as possibly the same child (``possibly_same``) lists their
    # records too: the contract's record ids are the records the flag's explanation relies on for the child
    people = roots + [other for res in result.results.values() for other in res.possibly_same]
    records: dict = defaultdict(list)
    for start in range(0, len(people), 500):
        for person_id, local_id in AgencyRecord.objects.filter(person__in=people[start : start + 500]).values_list(
            "person_id", "local_id"
        ):
            records[person_id].append(local_id)
    texts = explanations_for(result)
    rows = []
    for root in roots:
        text, agencies = texts[root]
        rows.append(
            (
                neutralise(
                    ";".join(
                        sorted(
                            records.get(root, [])
                            + [r for other in result.results[root].possibly_same for r in records.get(other, [])]
                        )
                    )
                ),
                neutralise(";".join(agencies)),
                neutralise(text),
            )
        )
    rows.sort()
    return rows
