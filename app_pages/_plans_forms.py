"""Form machinery of the Plans page: drafts, widgets per record field, saving.

A form is seeded once from its record (or from defaults for a new one)
and keeps the record's ``row_version`` as loaded; a save names that
version, so the store refuses an edit of a record that someone saved
in the meantime. What the user typed stays in the form until a save
succeeds. Saves run in the submit button's callback, before the page is
drawn again, so one rerun shows the saved state.

The fields are plain widgets (no ``st.form``): each value reaches the
draft as soon as it is entered. Widget keys carry the language, so after
a language switch the widgets are seeded again from the draft: their
labels follow the switch and the values entered so far stay.

What a save or delete said is kept per form and shown below it; a
message whose form is no longer on the page (the record was deleted,
here or elsewhere) is shown at the top of the section instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.common import md, synced_selectbox
from gis.errors import ConflictError, GisError, ValidationError
from gis.i18n import LANGUAGES, language, t, use_language
from gis.records import (
    Field,
    Finding,
    RecordStore,
    Saved,
    Snapshot,
    VillageRecords,
    field_map,
)
from gis.workspace import Workspace

DELETED = "plans::deleted"  # (kind, id) of records deleted on this page
DRAFTS = "plans::drafts"
FEEDBACK = "plans::feedback"
LATEST = "plans::latest"  # the form whose message is the newest
SAVES = "plans::saves"

FIRST_DATE = dt.date(1949, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
NONE = "—"
NEW = "new"  # the choice of a picker that stands for a new record

# text fields that take a few lines
LONG_TEXT = frozenset({"notes", "acceptance_notes", "description", "note"})
# characters that Markdown (and Streamlit's directives) would act on
Action = Callable[[RecordStore], Saved | None]
Done = str | Callable[[Saved | None], str]
Refs = Mapping[int, str] | Callable[[Mapping[str, Any]], Mapping[int, str]]


@dataclass(frozen=True)
class Place:
    """The village the page works on, and what the registry says of it.

    ``findings`` are those of the whole registry (every area).
    """

    ws: Workspace
    area: str
    village_id: str
    village_name: str
    snap: Snapshot
    records: VillageRecords
    findings: tuple[Finding, ...]
    today: dt.date

    @property
    def where(self) -> dict[str, str]:
        """The columns that place a new record in this village."""
        return {"area": self.area, "village_id": self.village_id}

    @property
    def plan(self) -> dict[str, Any] | None:
        """The village's current plan (highest version), if any."""
        return self.records.plans[0] if self.records.plans else None

    @property
    def prefix(self) -> str:
        """How the identities of this village's forms begin."""
        return f"{self.area}/{self.village_id}|"

    def fid(self, kind: str, record_id: int | None, purpose: str = "edit") -> str:
        """Identity of a form: village, record and what the form does."""
        which = "new" if record_id is None else str(record_id)
        return f"{self.prefix}{kind}:{which}:{purpose}"

    def store(self) -> RecordStore:
        """The record store of the workspace."""
        return RecordStore(self.ws)


@dataclass
class Draft:
    """What a form holds: its values and the record's version as loaded."""

    values: dict[str, Any]
    version: int | None


@dataclass(frozen=True)
class Feedback:
    """What the last submit of a form said: done, problems, a conflict,
    an error."""

    kind: str  # "done", "problems", "conflict" or "error"
    message: str
    problems: tuple[str, ...] = ()
    lang: str = field(default_factory=language)


@dataclass(frozen=True)
class FormSpec:
    """One record form: which record, which fields in which rows.

    ``title`` heads the form (which record it edits); ``fixed`` values
    go with a new record only (its village, its plan); ``refs`` gives
    the choices of link fields as ``{id: label}``, or a function of the
    form's current values that returns them; ``choices`` narrows choice
    fields; ``touches`` names other records a save changes, whose open
    forms are then loaded again; ``select`` is the session key that
    receives a new record's id.
    """

    fid: str
    kind: str
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    record: dict[str, Any] | None = None
    initial: Mapping[str, Any] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    refs: Mapping[str, Refs] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    submit: str = "plans.save"
    touches: tuple[tuple[str, int], ...] = ()
    select: str | None = None
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every field the form shows, in order."""
        return tuple(name for row in self.rows for name in row)


def edit_title(kind: str, record_id: object, what: str) -> str:
    """``Editing <kind> #id · what``: the heading of an edit form."""
    return t("plans.form_edit", kind=t(f"records.kind_{kind}"), id=record_id,
             what=what)  # fmt: skip


def new_title(kind: str) -> str:
    """``New <kind>``: the heading of a form that adds a record."""
    return t("plans.form_new", kind=t(f"records.kind_{kind}"))


def pick_record(
    kind: str, label: str, store: str, labels: Mapping[str, str], new: str
) -> str:
    """A picker of records of ``kind`` (``{id: label}``) or a new one,
    whose choice lives in ``store``; says so when the chosen record is
    gone (deleted elsewhere), as its form then disappears."""
    chosen = st.session_state.get(store)
    gone = chosen not in (None, NEW, *labels)
    deleted_here = (kind, str(chosen)) in st.session_state.get(DELETED, set())
    # a failed save of it says so atop the section already
    told = f"|{kind}:{chosen}:" in str(st.session_state.get(LATEST, ""))
    if gone and not deleted_here and not told:
        st.warning(t("plans.record_gone", kind=t(f"records.kind_{kind}"), id=chosen),
                   icon=":material/info:")  # fmt: skip
    picked = synced_selectbox(
        st, label, [NEW, *labels], store=store,
        format_func=lambda v: new if v == NEW else labels[v],
    )  # fmt: skip
    return picked or NEW


# tables


def show_table(
    frame: pd.DataFrame,
    columns: Mapping[str, Any] | None = None,
    *,
    optional: Mapping[str, str] | None = None,
) -> None:
    """A read-only table as wide as its container.

    ``optional`` gives a format (``"{:,.2f}"``) per number column that
    may be empty: those are shown as right-aligned text with "—" for
    empty cells (a number column would show "None").
    """
    shown, config = frame.copy(), dict(columns or {})
    for name, pattern in (optional or {}).items():
        shown[name] = [NONE if pd.isna(v) else pattern.format(v) for v in shown[name]]
        label = config.get(name)
        config[name] = st.column_config.TextColumn(
            label if isinstance(label, str) else None, alignment="right",
            width="small",
        )  # fmt: skip
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


# the form


def record_form(place: Place, spec: FormSpec) -> None:
    """A form over one record (or a new one) that saves through the store."""
    fields = field_map(spec.kind)
    keys = {name: widget_key(spec.fid, name) for name in spec.names}
    found = draft(spec.fid, spec.record, lambda: _initial(spec), keys)
    with st.container(border=True):
        if spec.title:
            st.markdown(f"##### {md(spec.title)}")
        for row in spec.rows:
            for column, name in zip(st.columns(len(row)), row, strict=True):
                with column:
                    _widget(spec, fields[name], keys)

        # what was entered so far outlives a language switch
        found.values = {name: st.session_state.get(key) for name, key in keys.items()}
        st.button(
            t(spec.submit), type="primary", key=f"plans::{spec.fid}::submit",
            on_click=_submit, args=(place, spec, keys, language()),
        )  # fmt: skip
        show_feedback(spec.fid)


def widget_key(fid: str, name: str, lang: str | None = None) -> str:
    """Session key of one widget of a form, in the current (or given)
    language."""
    return f"plans::{fid}::{name}::{lang or language()}"


def draft(
    fid: str,
    record: Mapping[str, Any] | None,
    initial: Callable[[], dict[str, Any]],
    keys: Mapping[str, str],
) -> Draft:
    """The form's draft, created from ``initial()`` on first sight; the
    widgets are seeded from it whenever they have no state (first sight,
    a language switch, a return from another section or page)."""
    drafts: dict[str, Draft] = st.session_state.setdefault(DRAFTS, {})
    found = drafts.get(fid)
    if found is None:
        version = None if record is None else int(record["row_version"])
        found = drafts[fid] = Draft(initial(), version)
        _seed(found, keys)
    elif any(key not in st.session_state for key in keys.values()):
        _carry(found, fid, keys)
        _seed(found, keys)
    return found


def _seed(found: Draft, keys: Mapping[str, str]) -> None:
    """Widget state from the draft's values."""
    for name, key in keys.items():
        st.session_state[key] = found.values.get(name)


def _carry(found: Draft, fid: str, keys: Mapping[str, str]) -> None:
    """Into the draft, values the widgets of the other language still
    hold: a value typed just before a language switch reaches the server
    with the switch, after the draft was last written."""
    for name, key in keys.items():
        for other in LANGUAGES:
            held = widget_key(fid, name, other)
            if held != key and held in st.session_state:
                found.values[name] = st.session_state[held]


def _initial(spec: FormSpec) -> dict[str, Any]:
    """Starting values: the record's, else the given ones, else empty."""
    fields = field_map(spec.kind)
    values = {}
    for name in spec.names:
        spec_field = fields[name]
        if spec.record is not None:
            values[name] = shown(spec_field, spec.record.get(spec_field.column))
        elif name in spec.initial:
            values[name] = spec.initial[name]
        else:
            values[name] = shown(spec_field, None)
    return values


def shown(spec_field: Field, stored: Any) -> Any:
    """A stored value as its widget holds it (money as yuan text)."""
    if spec_field.type == "yuan":
        return "" if stored is None else f"{Decimal(stored) / 100:,.2f}"
    if spec_field.type == "choice":
        return stored or (spec_field.choices[0] if spec_field.required else "")
    if spec_field.type == "ref":
        return stored or 0
    if spec_field.type == "text":
        return stored or ""
    if spec_field.type == "float" and stored is not None:
        return float(stored)
    if spec_field.type in ("int", "year") and stored is not None:
        return int(stored)
    return stored


def _widget(spec: FormSpec, spec_field: Field, keys: Mapping[str, str]) -> None:
    """The input of one field, labelled in the current language."""
    label = t(f"records.field_{spec_field.name}")
    if spec_field.required:
        label += " *"
    kind, key = spec_field.type, keys[spec_field.name]
    if kind in ("choice", "ref"):
        _choice(spec, spec_field, keys, label)
    elif kind == "date":
        st.date_input(label, value=None, min_value=FIRST_DATE, max_value=LAST_DATE,
                      format="YYYY-MM-DD", key=key)  # fmt: skip
    elif kind in ("int", "year"):
        st.number_input(label, value=None, step=1, format="%d", key=key)
    elif kind == "float":
        st.number_input(label, value=None, step=1.0, key=key)
    elif kind == "yuan":
        st.text_input(label, key=key, placeholder=t("plans.yuan_hint"))
    elif spec_field.name in LONG_TEXT:
        st.text_area(label, key=key, height=68)
    else:
        st.text_input(label, key=key)


def _choice(
    spec: FormSpec, spec_field: Field, keys: Mapping[str, str], label: str
) -> None:
    """A select box of keys shown with translated labels ("—" for none)."""
    key = keys[spec_field.name]
    if spec_field.type == "ref":
        labels = _refs(spec, spec_field.name, keys)
        options: list[Any] = [0, *labels]
        show: Callable[[Any], str] = lambda v: labels.get(v, NONE)  # noqa: E731
    else:
        choices = spec.choices.get(spec_field.name, spec_field.choices)
        options = list(choices) if spec_field.required else ["", *choices]
        show = lambda v: t(f"records.{_prefix(spec_field)}_{v}") if v else NONE  # noqa: E731
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    st.selectbox(label, options, format_func=show, key=key)


def _refs(spec: FormSpec, name: str, keys: Mapping[str, str]) -> Mapping[int, str]:
    """The choices of a link field, given the values entered so far."""
    found = spec.refs.get(name, {})
    if not callable(found):
        return found
    return found({n: st.session_state.get(k) for n, k in keys.items()})


def _prefix(spec_field: Field) -> str:
    """Catalogue prefix of a choice field's labels."""
    return {"purpose": "section", "result": "result"}.get(
        spec_field.name, spec_field.name
    )


def entered(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values as the store takes them (no link is 0, no choice "")."""
    fields = field_map(kind)
    out = {}
    for name, value in values.items():
        if fields[name].type == "ref" and not value:
            value = None
        out[name] = value
    return out


# saving


def _submit(place: Place, spec: FormSpec, keys: Mapping[str, str], lang: str) -> None:
    """Submit callback: save the typed values with the version as loaded."""
    with use_language(lang):
        found = st.session_state[DRAFTS][spec.fid]
        found.values = {name: st.session_state.get(key) for name, key in keys.items()}
        values = entered(spec.kind, found.values)
        if spec.derive is not None:
            values = spec.derive(values)
        saved = attempt(
            spec.fid, _writer(spec, values, found.version), done=_done(spec),
            touches=spec.touches, place=place,
        )  # fmt: skip

        # a new record chosen at once: its form says it was added
        if saved is not None and spec.select is not None:
            st.session_state[spec.select] = str(saved.id)
            _move_feedback(spec.fid, place.fid(spec.kind, saved.id))


def _done(spec: FormSpec) -> Done:
    """What a successful submit says: which record was added or saved."""
    kind = t(f"records.kind_{spec.kind}")
    if spec.record is not None:
        return t("plans.saved", kind=kind, id=spec.record["id"])
    return lambda saved: t("plans.added", kind=kind, id=saved.id if saved else "")


def _writer(spec: FormSpec, values: dict[str, Any], version: int | None) -> Action:
    """The store call of a submit: add a new record or update the loaded one."""
    record = spec.record
    if record is None:
        row = {**spec.fixed, **values}
        return lambda store: store.add(spec.kind, row)
    assert version is not None
    return lambda store: store.update(spec.kind, record["id"], values, version=version)


def attempt(
    fid: str,
    action: Action,
    *,
    done: Done,
    place: Place,
    touches: tuple[tuple[str, int], ...] = (),
    heading: str = "plans.not_saved",
) -> Saved | None:
    """Run one store action; on success forget the form's draft (and those
    of the records it touched) and say so, else keep the draft and say
    why."""
    try:
        saved = action(place.store())
    except ValidationError as exc:
        tell(fid, Feedback("problems", t(heading), tuple(exc.problems)))
    except ConflictError as exc:
        tell(fid, Feedback("conflict", str(exc)))
    except GisError as exc:
        tell(fid, Feedback("error", t(f"{heading}_because", reason=str(exc))))
    else:
        changed = (saved.kind, saved.id) if saved is not None else None
        forget(fid, *touches, *([changed] if changed else []))
        tell(fid, Feedback("done", done(saved) if callable(done) else done))
        st.session_state[SAVES] = st.session_state.get(SAVES, 0) + 1
        return saved
    return None


def tell(fid: str, found: Feedback) -> None:
    """Keep what an action of a form said; it is the newest message."""
    st.session_state.setdefault(FEEDBACK, {})[fid] = found
    st.session_state[LATEST] = fid


def _move_feedback(old: str, new: str) -> None:
    """Show the message of form ``old`` by form ``new``."""
    feedback = st.session_state.setdefault(FEEDBACK, {})
    if old in feedback:
        tell(new, feedback.pop(old))


def forget(fid: str, *records: tuple[str, int]) -> None:
    """Drop a form's draft and feedback, and the drafts of forms open on
    ``records``, so they load the records again; forms that add to those
    records (a project's next status) lose their old errors."""
    drafts = st.session_state.setdefault(DRAFTS, {})
    feedback = st.session_state.setdefault(FEEDBACK, {})
    marks = [f"|{kind}:{record_id}:" for kind, record_id in records]
    children = tuple(f":{kind}{record_id}" for kind, record_id in records)
    for name in list(drafts):
        if name == fid or any(mark in name for mark in marks):
            drafts.pop(name, None)
            feedback.pop(name, None)
    for name in list(feedback):
        if name.endswith(children) and feedback[name].kind != "done":
            feedback.pop(name)
    feedback.pop(fid, None)


def show_feedback(fid: str) -> None:
    """What the last submit of a form said (a success once), with a
    reload after a conflict."""
    if st.session_state.get(LATEST) == fid:
        del st.session_state[LATEST]  # shown where the user acted
    found: Feedback | None = st.session_state.get(FEEDBACK, {}).get(fid)
    if found is None or found.lang != language():
        return  # messages of the other language are not shown
    _say(fid, found)
    if found.kind == "conflict":
        st.button(t("plans.reload"), key=f"plans::{fid}::reload",
                  on_click=forget, args=(fid,), icon=":material/refresh:")  # fmt: skip


def show_leftover(place: Place) -> None:
    """The newest message when its form was not drawn: a deleted record's
    form, or the form of a record deleted meanwhile (with a reload)."""
    fid = str(st.session_state.get(LATEST, ""))
    found: Feedback | None = st.session_state.get(FEEDBACK, {}).get(fid)
    if found is None or found.lang != language() or not fid.startswith(place.prefix):
        st.session_state.pop(LATEST, None)  # nothing left, or of another village
        return
    _say(fid, found)
    if found.kind == "done":
        st.session_state.pop(LATEST, None)
        return
    st.button(t("plans.reload_page"), key=f"plans::{fid}::dismiss", on_click=_dismiss,
              args=(fid,), icon=":material/refresh:")  # fmt: skip


def _dismiss(fid: str) -> None:
    """Reload callback of a message shown apart from its form."""
    forget(fid)
    st.session_state.pop(LATEST, None)


def _say(fid: str, found: Feedback) -> None:
    """One message: a success (shown once) or an error with its problems."""
    if found.kind == "done":
        st.success(found.message, icon=":material/check_circle:")
        st.session_state[FEEDBACK].pop(fid, None)
    elif found.problems:
        lines = "\n".join(f"- {problem}" for problem in found.problems)
        st.error(f"{found.message}\n\n{lines}")
    else:
        st.error(found.message)


def delete_button(
    place: Place,
    kind: str,
    record: Mapping[str, Any],
    *,
    touches: tuple[tuple[str, int], ...] = (),
    label: str = "plans.delete",
) -> None:
    """A delete button that asks for confirmation first; the record's
    version is the one shown on the page."""
    fid = place.fid(kind, int(record["id"]), "delete")
    show_feedback(fid)  # above the button: the open popover would hide it
    with st.popover(t(label), icon=":material/delete:"):
        st.caption(t("plans.delete_sure", kind=t(f"records.kind_{kind}"),
                     id=record["id"]))  # fmt: skip
        st.button(
            t("plans.delete_confirm"), key=f"plans::{fid}::confirm", type="primary",
            on_click=_delete, args=(place, fid, kind, dict(record), touches,
                                    language()),
        )  # fmt: skip


def _delete(
    place: Place,
    fid: str,
    kind: str,
    record: dict[str, Any],
    touches: tuple[tuple[str, int], ...],
    lang: str,
) -> None:
    """Delete callback."""

    def remove(store: RecordStore) -> None:
        store.delete(kind, int(record["id"]), version=int(record["row_version"]))

    with use_language(lang):
        done = t("plans.deleted", kind=t(f"records.kind_{kind}"), id=record["id"])
        attempt(fid, remove, done=done, place=place, heading="plans.not_deleted",
                touches=((kind, int(record["id"])), *touches))  # fmt: skip

    # deleted here: its picker need not say it is gone
    said = st.session_state.get(FEEDBACK, {}).get(fid)
    if said is not None and said.kind == "done":
        st.session_state.setdefault(DELETED, set()).add((kind, str(record["id"])))
