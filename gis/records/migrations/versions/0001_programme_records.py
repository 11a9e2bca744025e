"""programme records

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vp_assistance",
        sa.Column("leader_name", sa.Text(), nullable=True),
        sa.Column("leader_post", sa.Text(), nullable=True),
        sa.Column("cadre_name", sa.Text(), nullable=True),
        sa.Column("cadre_unit", sa.Text(), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("village_id", sa.Text(), nullable=False),
        sa.Column("village_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_assistance")),
    )
    with op.batch_alter_table("vp_assistance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_assistance_area"), ["area"], unique=False
        )

    op.create_table(
        "vp_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_history")),
    )
    with op.batch_alter_table("vp_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vp_history_at"), ["at"], unique=False)

    op.create_table(
        "vp_household_pairs",
        sa.Column("household", sa.Text(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("helper_name", sa.Text(), nullable=True),
        sa.Column("helper_unit", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("village_id", sa.Text(), nullable=False),
        sa.Column("village_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_household_pairs")),
    )
    with op.batch_alter_table("vp_household_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_household_pairs_area"), ["area"], unique=False
        )

    op.create_table(
        "vp_plans",
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("assembly_date", sa.Date(), nullable=True),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("village_id", sa.Text(), nullable=False),
        sa.Column("village_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_plans")),
    )
    with op.batch_alter_table("vp_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vp_plans_area"), ["area"], unique=False)

    op.create_table(
        "vp_plan_targets",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["vp_plans.id"],
            name=op.f("fk_vp_plan_targets_plan_id_vp_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_plan_targets")),
    )
    with op.batch_alter_table("vp_plan_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_plan_targets_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "vp_projects",
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=True),
        sa.Column("feature_ref", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("budget_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("progress_pct", sa.Float(), nullable=True),
        sa.Column("progress_date", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("accepted_by", sa.Text(), nullable=True),
        sa.Column("acceptance_notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("village_id", sa.Text(), nullable=False),
        sa.Column("village_name", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["vp_plans.id"], name=op.f("fk_vp_projects_plan_id_vp_plans")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["vp_plan_targets.id"],
            name=op.f("fk_vp_projects_target_id_vp_plan_targets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_projects")),
    )
    with op.batch_alter_table("vp_projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vp_projects_area"), ["area"], unique=False)

    op.create_table(
        "vp_allocations",
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("village_id", sa.Text(), nullable=False),
        sa.Column("village_name", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["vp_projects.id"],
            name=op.f("fk_vp_allocations_project_id_vp_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_allocations")),
    )
    with op.batch_alter_table("vp_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_allocations_area"), ["area"], unique=False
        )

    op.create_table(
        "vp_inspections",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("inspector", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["vp_projects.id"],
            name=op.f("fk_vp_inspections_project_id_vp_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_inspections")),
    )
    with op.batch_alter_table("vp_inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_inspections_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "vp_status_changes",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["vp_projects.id"],
            name=op.f("fk_vp_status_changes_project_id_vp_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_status_changes")),
    )
    with op.batch_alter_table("vp_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_status_changes_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "vp_spending",
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["vp_allocations.id"],
            name=op.f("fk_vp_spending_allocation_id_vp_allocations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["vp_projects.id"],
            name=op.f("fk_vp_spending_project_id_vp_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vp_spending")),
    )
    with op.batch_alter_table("vp_spending", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vp_spending_allocation_id"), ["allocation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vp_spending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_spending_allocation_id"))

    op.drop_table("vp_spending")
    with op.batch_alter_table("vp_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_status_changes_project_id"))

    op.drop_table("vp_status_changes")
    with op.batch_alter_table("vp_inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_inspections_project_id"))

    op.drop_table("vp_inspections")
    with op.batch_alter_table("vp_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_allocations_area"))

    op.drop_table("vp_allocations")
    with op.batch_alter_table("vp_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_projects_area"))

    op.drop_table("vp_projects")
    with op.batch_alter_table("vp_plan_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_plan_targets_plan_id"))

    op.drop_table("vp_plan_targets")
    with op.batch_alter_table("vp_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_plans_area"))

    op.drop_table("vp_plans")
    with op.batch_alter_table("vp_household_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_household_pairs_area"))

    op.drop_table("vp_household_pairs")
    with op.batch_alter_table("vp_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_history_at"))

    op.drop_table("vp_history")
    with op.batch_alter_table("vp_assistance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vp_assistance_area"))

    op.drop_table("vp_assistance")
