"""Coverage adds the programme indicators from the records: assistance in
place, paired households, plan sections with projects under way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gis.coverage import coverage
from tests.records_fixtures import (
    AREA,
    HAPPY,
    STONE,
    plan_values,
    project_values,
    store_at,
)


def test_programme_columns_and_totals(tmp_path: Path) -> None:
    store, _ = store_at(tmp_path / "ws.gpkg")
    store.add("plan", plan_values(village=HAPPY))
    store.add("plan", plan_values(village=STONE))
    store.add("assistance", {"area": AREA, "village_id": HAPPY, "leader_name": "张",
                             "cadre_name": "李", "unit_name": "县水务局"})  # fmt: skip
    store.add("assistance", {"area": AREA, "village_id": STONE, "leader_name": "王"})
    store.add("pair", {"area": AREA, "village_id": STONE, "household": "赵家"})
    for section in ("roads", "water"):
        project = store.add("project", project_values(section=section, name=section))
        store.add("status", {"project_id": project.id, "status": "approved",
                             "on_date": "2025-05-01"})  # fmt: skip
    store.add("project", project_values(village=STONE, section="income"))  # planned

    table = coverage(store.workspace, AREA).villages.set_index("village_id")
    happy, stone, total = table.loc[HAPPY], table.loc[STONE], table.loc["total"]
    assert (happy.has_leader, happy.has_cadre, happy.has_unit) == (1, 1, 1)
    assert (stone.has_leader, stone.has_cadre, stone.has_unit) == (1, 0, 0)
    assert (happy.assistance_complete, stone.assistance_complete) == (1, 0)
    assert (happy.sections_with_projects, stone.sections_with_projects) == (2, 0)
    assert happy.sections_without_projects == "farmland,income,services,leadership"
    assert stone.sections_without_projects == (
        "farmland,water,roads,income,services,leadership"
    )
    assert (total.in_programme, total.assistance_complete) == (2, 1)
    assert (total.paired_households, total.sections_with_projects) == (1, 2)


def test_no_records_no_programme_columns(tmp_path: Path) -> None:
    store, _ = store_at(tmp_path / "ws.gpkg")
    table = coverage(store.workspace, AREA).villages
    assert "in_programme" not in table
    assert isinstance(table, pd.DataFrame)
