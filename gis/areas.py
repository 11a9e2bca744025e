"""Areas of a workspace: finding one by name, and its title for people.

An area is the key its layers are stored under ("sikkim"); people may
also call it by its translated title ("Sikkim", "列支敦士登"). Every
command and page that takes an area name goes through
:func:`resolve_area`, so a misspelt or missing one gets the same message
everywhere, listing the areas there are.
"""

from __future__ import annotations

import re

from gis.errors import InputError, WorkspaceError
from gis.i18n import LANGUAGES, catalog, t, use_language
from gis.workspace import Workspace, area_key


def area_title(area: str) -> str:
    """Translated title of a demo area, else the area's own key."""
    name = f"demo.area_{area}"
    return t(name) if name in catalog() else area


def resolve_area(ws: Workspace, name: str) -> str:
    """The key of the workspace's area called ``name``: its key, or its
    display name in either language (in full, or up to its first bracket
    or comma: "列支敦士登", "Sikkim").

    Raises
    ------
    gis.errors.WorkspaceError
        There is no workspace file yet; the message says how to make one.
    gis.errors.InputError
        No area of the workspace goes by that name; the message lists the
        valid keys.
    """
    if not ws.exists():
        raise WorkspaceError(t("areas.no_workspace", path=str(ws.path.resolve())))
    known = ws.areas()
    try:
        key = area_key(name)
    except InputError:  # nothing a key could be made of: no area has it
        key = ""
    if key in known:
        return key
    wanted = name.strip().casefold()
    for area in known:
        if wanted in _display_names(area):
            return area
    raise InputError(t("areas.unknown", area=name, known=", ".join(known) or "—"))


def _display_names(area: str) -> set[str]:
    """An area's display names in every language, in full and shortened."""
    key = f"demo.area_{area}"
    if key not in catalog():
        return set()
    names = set()
    for lang in LANGUAGES:
        with use_language(lang):
            title = t(key).strip()
        names |= {title.casefold(), re.split(r"[（(,，]", title)[0].strip().casefold()}
    return names
