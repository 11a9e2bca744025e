"""SQLAlchemy models of the programme records: plans, projects, funds, assistance.

Every table is prefixed ``vp_`` and uses portable column types only
(integers, text, dates, floats), so the same models run on SQLite (the
GeoPackage workspace) and on PostgreSQL. Money is kept in whole fen
(0.01 yuan) as integers, so sums are exact. Project geometry is WKT in
lon/lat (EPSG:4326). ``row_version`` counts the saved versions of a row:
an edit names the version it started from and is refused when the row
has moved on since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECTIONS = ("farmland", "water", "roads", "income", "services", "leadership")
STATUSES = ("planned", "approved", "under_construction", "completed", "accepted")
CHANNELS = (
    "poverty_central",
    "poverty_provincial",
    "poverty_county",
    "sector",
    "paired_assistance",
    "donation",
    "credit",
    "villager_cash",
    "villager_labour",
)
DEPARTMENTS = (
    "transport",
    "water",
    "agriculture",
    "land",
    "education",
    "health",
    "civil_affairs",
    "other",
)
RESULTS = ("pass", "rectify", "fail")

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention (migrations need names)."""

    metadata = sa.MetaData(naming_convention=_NAMING)


class _Versioned:
    """Primary key and the optimistic-concurrency counter."""

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    row_version: Mapped[int] = mapped_column(sa.Integer, nullable=False)


class _InVillage:
    """The village a record belongs to (an area's village layer id)."""

    area: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    village_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    village_name: Mapped[str | None] = mapped_column(sa.Text)


class Plan(_Versioned, _InVillage, Base):
    """A village plan as agreed by the villagers' assembly."""

    __tablename__ = "vp_plans"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    title: Mapped[str] = mapped_column(sa.Text, nullable=False)
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    period_start: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    period_end: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    assembly_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    attendance: Mapped[int | None] = mapped_column(sa.Integer)
    votes_for: Mapped[int | None] = mapped_column(sa.Integer)
    votes_against: Mapped[int | None] = mapped_column(sa.Integer)
    notes: Mapped[str | None] = mapped_column(sa.Text)


class Target(_Versioned, Base):
    """One target of a plan section, with its measure and unit."""

    __tablename__ = "vp_plan_targets"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vp_plans.id"), nullable=False, index=True
    )
    section: Mapped[str] = mapped_column(sa.Text, nullable=False)
    measure: Mapped[str] = mapped_column(sa.Text, nullable=False)
    unit: Mapped[str] = mapped_column(sa.Text, nullable=False)
    target_value: Mapped[float] = mapped_column(sa.Float, nullable=False)
    baseline_value: Mapped[float | None] = mapped_column(sa.Float)


class Project(_Versioned, _InVillage, Base):
    """A project carrying out part of a plan section."""

    __tablename__ = "vp_projects"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vp_plans.id"))
    target_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vp_plan_targets.id"))
    section: Mapped[str] = mapped_column(sa.Text, nullable=False)
    category: Mapped[str] = mapped_column(sa.Text, nullable=False)
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    geometry_wkt: Mapped[str | None] = mapped_column(sa.Text)
    feature_ref: Mapped[str | None] = mapped_column(sa.Text)
    quantity: Mapped[float | None] = mapped_column(sa.Float)
    unit: Mapped[str | None] = mapped_column(sa.Text)
    budget_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.Text, nullable=False)
    planned_start: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_end: Mapped[dt.date | None] = mapped_column(sa.Date)
    actual_start: Mapped[dt.date | None] = mapped_column(sa.Date)
    actual_end: Mapped[dt.date | None] = mapped_column(sa.Date)
    progress_pct: Mapped[float | None] = mapped_column(sa.Float)
    progress_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    accepted_by: Mapped[str | None] = mapped_column(sa.Text)
    acceptance_notes: Mapped[str | None] = mapped_column(sa.Text)


class StatusChange(_Versioned, Base):
    """A dated step of a project along planned → … → accepted."""

    __tablename__ = "vp_status_changes"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vp_projects.id"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(sa.Text, nullable=False)
    on_date: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text)


class Inspection(_Versioned, Base):
    """A site inspection of a project."""

    __tablename__ = "vp_inspections"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vp_projects.id"), nullable=False, index=True
    )
    on_date: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    inspector: Mapped[str] = mapped_column(sa.Text, nullable=False)
    result: Mapped[str] = mapped_column(sa.Text, nullable=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)


class Allocation(_Versioned, _InVillage, Base):
    """Money allocated through one channel for one purpose."""

    __tablename__ = "vp_allocations"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vp_projects.id"))
    channel: Mapped[str] = mapped_column(sa.Text, nullable=False)
    department: Mapped[str | None] = mapped_column(sa.Text)
    purpose: Mapped[str] = mapped_column(sa.Text, nullable=False)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    allocated_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    document: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)


class Spending(_Versioned, Base):
    """Money spent against an allocation."""

    __tablename__ = "vp_spending"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    allocation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vp_allocations.id"), nullable=False, index=True
    )
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vp_projects.id"))
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    spent_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)


class Assistance(_Versioned, _InVillage, Base):
    """Who assists a village: linked leader, resident cadre, assisting unit."""

    __tablename__ = "vp_assistance"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    leader_name: Mapped[str | None] = mapped_column(sa.Text)
    leader_post: Mapped[str | None] = mapped_column(sa.Text)
    cadre_name: Mapped[str | None] = mapped_column(sa.Text)
    cadre_unit: Mapped[str | None] = mapped_column(sa.Text)
    unit_name: Mapped[str | None] = mapped_column(sa.Text)
    since: Mapped[dt.date | None] = mapped_column(sa.Date)
    phone: Mapped[str | None] = mapped_column(sa.Text)


class HouseholdPair(_Versioned, _InVillage, Base):
    """A registered poor household and the helper paired with it."""

    __tablename__ = "vp_household_pairs"
    __mapper_args__ = {"version_id_col": _Versioned.row_version}  # noqa: RUF012

    household: Mapped[str] = mapped_column(sa.Text, nullable=False)
    members: Mapped[int | None] = mapped_column(sa.Integer)
    helper_name: Mapped[str | None] = mapped_column(sa.Text)
    helper_unit: Mapped[str | None] = mapped_column(sa.Text)


class History(Base):
    """One change of one record: who, when, before and after (JSON)."""

    __tablename__ = "vp_history"
    __table_args__ = (sa.Index("ix_vp_history_kind_record_id", "kind", "record_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    at: Mapped[str] = mapped_column(sa.Text, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(sa.Text, nullable=False)
    kind: Mapped[str] = mapped_column(sa.Text, nullable=False)
    record_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    action: Mapped[str] = mapped_column(sa.Text, nullable=False)
    before_json: Mapped[str | None] = mapped_column(sa.Text)
    after_json: Mapped[str | None] = mapped_column(sa.Text)


# record kinds as the store, the history and the exports name them
MODELS: dict[str, Any] = {
    "plan": Plan,
    "target": Target,
    "project": Project,
    "status": StatusChange,
    "inspection": Inspection,
    "allocation": Allocation,
    "spending": Spending,
    "assistance": Assistance,
    "pair": HouseholdPair,
}
