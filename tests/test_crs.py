"""CRS choice, proposals and checks of coordinates against a declared CRS."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS, Transformer

from gis import crs as gcrs
from gis.errors import CRSError
from tests.conftest import GUIYANG


def _project(code: int, lon: float, lat: float) -> tuple[np.ndarray, np.ndarray]:
    """Independent forward projection with pyproj (always_xy)."""
    tr = Transformer.from_crs(4326, code, always_xy=True)
    x, y = tr.transform([lon, lon + 0.01], [lat, lat + 0.01])
    return np.asarray(x), np.asarray(y)


@pytest.mark.parametrize(
    ("cm", "prefix", "code", "name"),
    [
        (105, False, 4544, "CGCS2000 / 3-degree Gauss-Kruger CM 105E"),
        (105, True, 4523, "CGCS2000 / 3-degree Gauss-Kruger zone 35"),
        (75, False, 4534, "CGCS2000 / 3-degree Gauss-Kruger CM 75E"),
        (135, True, 4533, "CGCS2000 / 3-degree Gauss-Kruger zone 45"),
    ],
)
def test_gk3_codes_match_the_epsg_registry(
    cm: int, prefix: bool, code: int, name: str
) -> None:
    assert gcrs.gk3_epsg(cm, zone_prefix=prefix) == code
    assert CRS.from_epsg(code).name == name


@pytest.mark.parametrize(
    ("zone", "prefix", "code", "name"),
    [
        (18, True, 4496, "CGCS2000 / Gauss-Kruger zone 18"),
        (18, False, 4507, "CGCS2000 / Gauss-Kruger CM 105E"),
    ],
)
def test_gk6_codes_match_the_epsg_registry(
    zone: int, prefix: bool, code: int, name: str
) -> None:
    assert gcrs.gk6_epsg(zone, zone_prefix=prefix) == code
    assert CRS.from_epsg(code).name == name


def test_bad_zone_numbers_are_refused() -> None:
    with pytest.raises(CRSError, match="106"):
        gcrs.gk3_epsg(106, zone_prefix=False)
    with pytest.raises(CRSError, match="24"):
        gcrs.gk6_epsg(24, zone_prefix=False)


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (106.63, 26.65, 4545),  # Guiyang: 3-degree zone of CM 108E
        (105.2, 25.2, 4544),  # Wangmo: CM 105E
        (9.52, 47.14, 32632),  # Vaduz: UTM 32N
        (88.45, 27.6, 32645),  # Sikkim (India, next to China): UTM 45N
        (-70.6, -33.4, 32719),  # Santiago: UTM 19S
    ],
)
def test_local_metric_crs(lon: float, lat: float, code: int) -> None:
    assert gcrs.local_metric_crs(lon, lat).to_epsg() == code


def test_parse_crs_accepts_codes_and_refuses_nonsense() -> None:
    assert gcrs.parse_crs("4545").to_epsg() == 4545
    assert gcrs.parse_crs("EPSG:4490").to_epsg() == 4490
    with pytest.raises(CRSError, match="EPSG:99999999"):
        gcrs.parse_crs("EPSG:99999999")


def test_proposals_for_degrees_in_china_put_cgcs2000_first() -> None:
    x, y = np.array([106.6, 106.7]), np.array([26.6, 26.7])
    found = [p.crs for p in gcrs.propose_crs(x, y)]
    assert found[:2] == ["EPSG:4490", "EPSG:4326"]


def test_proposals_for_degrees_outside_china() -> None:
    x, y = np.array([9.5, 9.6]), np.array([47.1, 47.2])
    assert [p.crs for p in gcrs.propose_crs(x, y)] == ["EPSG:4326"]


@pytest.mark.parametrize(("code", "expected"), [(4523, 4523), (4496, 4496)])
def test_zone_prefixed_eastings_name_their_zone(code: int, expected: int) -> None:
    x, y = _project(code, *GUIYANG)
    found = gcrs.propose_crs(x, y)
    assert found[0].crs == f"EPSG:{expected}"


def test_zoneless_eastings_are_ranked_by_the_reference_area() -> None:
    x, y = _project(4545, *GUIYANG)
    box = (106.5, 26.5, 106.8, 26.8)
    found = gcrs.propose_crs(x, y, reference_bounds=box)
    assert found[0].crs == "EPSG:4545"
    assert found[0].distance_km == pytest.approx(0.0, abs=1.0)
    # every candidate kept lands within 300 km of the area
    assert all(p.distance_km is not None and p.distance_km <= 300 for p in found)


def test_zoneless_eastings_without_reference_offer_china_zones() -> None:
    x, y = _project(4545, *GUIYANG)
    found = [p.crs for p in gcrs.propose_crs(x, y)]
    assert "EPSG:4545" in found
    assert not any(code.startswith("EPSG:326") for code in found)


def test_values_fitting_nothing_get_no_proposal() -> None:
    x, y = np.array([-5e7, -4e7]), np.array([-9e7, 1e8])
    assert gcrs.propose_crs(x, y) == []


def test_plain_eastings_declared_with_zone_prefix() -> None:
    x, y = _project(4544, *GUIYANG)
    check = gcrs.check_declared(x, y, CRS.from_epsg(4523))
    assert check.problem and "zone number" in check.problem
    assert check.suggestion == "EPSG:4544"


def test_prefixed_eastings_declared_without_prefix() -> None:
    x, y = _project(4523, *GUIYANG)
    check = gcrs.check_declared(x, y, CRS.from_epsg(4544))
    assert check.problem and "35" in check.problem
    assert check.suggestion == "EPSG:4523"


def test_prefixed_eastings_of_another_zone() -> None:
    x, y = _project(4524, *GUIYANG)
    check = gcrs.check_declared(x, y, CRS.from_epsg(4523))
    assert check.problem is not None
    assert check.suggestion == "EPSG:4524"


def test_six_degree_family_declared_as_three_degree() -> None:
    x, y = _project(4496, *GUIYANG)  # zone 18 prefix, 6-degree
    check = gcrs.check_declared(x, y, CRS.from_epsg(4544))
    assert check.suggestion == "EPSG:4496"


def test_matching_declaration_passes() -> None:
    x, y = _project(4545, *GUIYANG)
    assert gcrs.check_declared(x, y, CRS.from_epsg(4545)).problem is None


def test_metres_declared_as_degrees() -> None:
    x, y = _project(4523, *GUIYANG)
    check = gcrs.check_declared(x, y, CRS.from_epsg(4326))
    assert check.problem and "metres" in check.problem
    assert check.suggestion == "EPSG:4523"


def test_swapped_axes_in_degrees() -> None:
    lon, lat = GUIYANG
    check = gcrs.check_declared(np.array([lat]), np.array([lon]), CRS.from_epsg(4326))
    assert check.swapped_axes


def test_equally_near_zones_put_the_national_grid_first() -> None:
    # UTM 45N and CGCS2000 GK (CM 87° E) eastings both land in Sikkim;
    # outside China UTM comes first, inside China the CGCS2000 zone
    sikkim = (87.94, 26.96, 88.92, 28.13)
    x, y = Transformer.from_crs(4326, 32645, always_xy=True).transform(88.64, 27.6)
    found = [p.crs for p in gcrs.propose_crs(np.array([x]), np.array([y]),
                                        reference_bounds=sikkim)]  # fmt: skip
    assert found[0] == "EPSG:32645" and "EPSG:4538" in found
    guizhou = (106.0, 26.0, 107.0, 27.0)
    x, y = Transformer.from_crs(4326, 4545, always_xy=True).transform(106.5, 26.5)
    found = [p.crs for p in gcrs.propose_crs(np.array([x]), np.array([y]),
                                        reference_bounds=guizhou)]  # fmt: skip
    assert found[0] == "EPSG:4545" and "EPSG:32648" in found


def test_measuring_near_the_border_uses_the_grid_of_the_side_it_is_on() -> None:
    # north Sikkim lies within the 0.2 degree margin the GCJ-02 test adds
    # to the coarse outline of China, but is in India: UTM, not CGCS2000
    assert gcrs.local_metric_crs(88.64, 27.6).to_epsg() == 32645
    assert gcrs.local_metric_crs(88.7, 28.3).to_epsg() == 4539  # Tibet, CM 90E
    assert gcrs.local_metric_crs(106.6, 26.6).to_epsg() == 4545
