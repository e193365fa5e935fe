"""Synthetic safeguarding scenarios for `openmash bench flags` (issue 8, "Proving it").

`all_scenarios()` -> every scenario of the catalogue, in a fixed order: concerning (CNnn) each with a benign
twin (BNnn), and do-not-merge traps (TRnn). `by_code()` -> the same keyed by code. The data are Python (this
package); the standard-extract CSVs are written at run time (`model.extracts_write`), never committed.
"""

from __future__ import annotations

from openmash.patterns.scenarios.model import Scenario


def all_scenarios() -> list[Scenario]:
    from openmash.patterns.scenarios import (
        catalogue,
        catalogue_adolescent,
        catalogue_family,
        catalogue_fresh3,
        catalogue_fresh4,
        catalogue_fresh5,
        catalogue_fresh6,
        catalogue_fresh7,
        catalogue_fresh8,
        catalogue_fresh9,
        catalogue_heldout,
    )

    return [
        make()
        for module in (
            catalogue,
            catalogue_family,
            catalogue_adolescent,
            catalogue_heldout,
            catalogue_fresh3,
            catalogue_fresh4,
            catalogue_fresh5,
            catalogue_fresh6,
            catalogue_fresh7,
            catalogue_fresh8,
            catalogue_fresh9,
        )
        for make in module.SCENARIOS
    ]


def by_code() -> dict[str, Scenario]:
    return {s.code: s for s in all_scenarios()}
