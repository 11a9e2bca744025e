"""Relocation siting review: each criterion by hand, slope, ranking, files.

Every layer is drawn here in metres (``tests.metric_drawing``: EPSG:4544,
the CGCS2000 Gauss-Krüger zone of central meridian 105° E, origin at
105° E 25° N) and moved to lon/lat with pyproj, so each expected value
follows from the drawing by hand. The review measures in the same CRS
(the local metric CRS of sites near 105° E 25° N), so distances come
back to the millimetre.

Elevation rasters are written here with rasterio: a plane rising 10 m
per 100 m of northing (10 %) in UTM zone 48N (EPSG:32648), a CRS other
than the sites'. Its central meridian is 105° E too, where the UTM
scale factor is 0.9996: one grid metre is 1 / 0.9996 m on the ground,
so the plane rises 0.1 × 0.9996 m per ground metre and its slope is
atan(0.09996) = 5.7083° (9.996 %), not the grid's 5.7106°.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point, box

from gis._coverage_profile import Profile, SitingProfile, load_profile
from gis.elevation import area_slope, open_dem
from gis.errors import CRSError, InputError
from gis.i18n import use_language
from gis.siting import (
    SitingReview,
    movers_by_rule,
    review_frames,
    sites_from_features,
    write_review,
)
from tests.metric_drawing import METRIC, X0, Y0, lonlat, metric_frame

UTM = "EPSG:32648"
E0, N0 = Transformer.from_crs("EPSG:4326", UTM, always_xy=True).transform(105.0, 25.0)
CELL = 10.0
NODATA = -9999.0
GROUND_SLOPE_DEG = math.degrees(math.atan(0.1 * 0.9996))  # 5.7083°
M2_PER_MU = 10_000 / 15


# the drawing: one site that passes everything, in metres


def layers() -> dict[str, gpd.GeoDataFrame]:
    """Hazards, water, roads, facilities and farmland around the square
    site box(0, 0, 200, 200), centre (100, 100)."""
    return {
        # a point 700 m west of the site's west edge; an area 600 m
        # north of its north edge: the area is nearest, 600 m
        "hazards": metric_frame(
            [Point(-700, 100), box(0, 800, 200, 900)],
            name=["slide A", "zone B"],
            hazard_type=["landslide", "debris_flow"],
            accuracy=["1km", None],
        ),
        # a river 150 m below the south edge, a lake 400 m east, a
        # drain 5 m east (not a river class) and a well 600 m north of
        # the centre (the safe water source)
        "water": metric_frame(
            [
                LineString([(-3000, -150), (3000, -150)]),
                box(600, 0, 800, 200),
                LineString([(205, -100), (205, 300)]),
                Point(100, 700),
            ],
            water_class=["river", "lake", "drain", "well"],
        ),
        # a primary road 300 m east of the centre; a path through the
        # site does not count
        "roads": metric_frame(
            [
                LineString([(400, -5000), (400, 5000)]),
                LineString([(150, -5000), (150, 5000)]),
            ],
            road_class=["primary", "path"],
        ),
        # school 3,000 m north, clinic 2,500 m south, market exactly
        # 10,000 m away (6,000 west, 8,000 north): "within" includes it
        "facilities": metric_frame(
            [Point(100, 3100), Point(100, -2400), Point(-5900, 8100)],
            facility_type=["school", "clinic", "market"],
        ),
        # 90,000 m² (135 mu) of farmland within 2 km of the centre, and a
        # parcel 2.4 km away that is out of reach
        "farmland": metric_frame(
            [box(-600, -600, -300, -300), box(2500, 100, 2700, 300)],
        ),
    }


def sites(*shapes: shapely.Geometry, **columns: list[object]) -> gpd.GeoDataFrame:
    """Candidate sites from metric shapes, named A, B, C..."""
    names = columns.pop("name", [chr(65 + i) for i in range(len(shapes))])
    return metric_frame(list(shapes), name=names, **columns)


def movers(
    people: list[float], households: list[float] | None = None
) -> gpd.GeoDataFrame:
    """Settlements that would move, somewhere west of the sites."""
    points = [Point(-2000 - 100 * i, 0) for i in range(len(people))]
    frame = metric_frame(
        points, name=[f"s{i}" for i in range(len(people))], population=people
    )
    if households is not None:
        frame["households"] = households
    return frame


def criterion(review: SitingReview, site: str, key: str) -> dict[str, object]:
    """One criteria row of a site (by name) as a dict."""
    rows = review.criteria
    found = rows[(rows["name"] == site) & (rows["criterion"] == key)]
    assert len(found) == 1
    return dict(found.iloc[0])


@pytest.fixture(scope="module")
def passing() -> SitingReview:
    """The square site, 100 people moving."""
    with use_language("en"):
        return review_frames(
            layers(), sites(box(0, 0, 200, 200)), movers=movers([60, 40], [15, 10])
        )


# each criterion by hand


def test_metric_crs_is_the_drawings(passing: SitingReview) -> None:
    assert passing.crs == METRIC


def test_hazard_clearance_is_the_nearest_point_or_area(passing: SitingReview) -> None:
    row = criterion(passing, "A", "hazard")
    assert row["value"] == pytest.approx(600.0, abs=1e-3)
    assert (row["threshold"], row["rule"], row["result"]) == (500.0, "min", "pass")
    assert "zone B" in str(row["note"]) and "Debris flow" in str(row["note"])


def test_hazard_inside_a_site_is_zero_and_fails() -> None:
    got = review_frames(layers(), sites(box(-800, 0, -600, 200)))
    row = criterion(got, "A", "hazard")
    assert row["value"] == 0.0 and row["result"] == "fail"
    note = str(row["note"])
    assert "slide A" in note and "location accuracy: within 1 km" in note
    # located to within 1 km, more than the 500 m clearance: a warning
    assert "known only to within 1 km" in str(row["note"])


def test_river_clearance_counts_rivers_and_water_bodies_only(
    passing: SitingReview,
) -> None:
    row = criterion(passing, "A", "river")
    assert row["value"] == pytest.approx(150.0, abs=1e-3)  # not the drain at 5 m
    assert (row["threshold"], row["result"]) == (100.0, "pass")


def test_reach_from_the_centre(passing: SitingReview) -> None:
    expected = {
        "road": 300.0,
        "school": 3000.0,
        "clinic": 2500.0,
        "town": 10000.0,
        "water": 600.0,
    }
    thresholds = {
        "road": 500.0,
        "school": 5000.0,
        "clinic": 3000.0,
        "town": 10000.0,
        "water": 800.0,
    }
    for key, metres in expected.items():
        row = criterion(passing, "A", key)
        assert row["value"] == pytest.approx(metres, abs=1e-3), key
        assert row["threshold"] == thresholds[key] and row["rule"] == "max"
        assert row["result"] == "pass", key  # the market at exactly 10 km too


def test_the_tables_lon_lat_is_the_point_reach_is_measured_from() -> None:
    # an L-shaped site: its centroid lies outside it; the point measured
    # from is a point on its surface, taken in metres
    ell = shapely.Polygon([(0, 0), (300, 0), (300, 40), (40, 40), (40, 260), (0, 260)])
    got = review_frames({}, sites(ell))
    row = got.table().iloc[0]
    x, y = Transformer.from_crs(4326, METRIC, always_xy=True).transform(
        row["lon"], row["lat"]
    )
    centre = shapely.point_on_surface(ell)
    assert (x - X0, y - Y0) == pytest.approx((centre.x, centre.y), abs=0.02)
    assert ell.contains(shapely.Point(x - X0, y - Y0))


def test_farmland_within_reach_per_person(passing: SitingReview) -> None:
    row = criterion(passing, "A", "farmland")
    assert row["value"] == pytest.approx(135.0 / 100, rel=1e-6)  # mu per person
    assert row["extra_mu"] == pytest.approx(90_000 / M2_PER_MU, rel=1e-6)
    assert (row["threshold"], row["result"]) == (1.0, "pass")


def test_farmland_under_the_site_is_left_out() -> None:
    frames = layers()
    frames["farmland"] = metric_frame([box(100, 0, 300, 200)])  # half under the site
    got = review_frames(frames, sites(box(0, 0, 200, 200)), movers=movers([20]))
    row = criterion(got, "A", "farmland")
    assert row["extra_mu"] == pytest.approx(20_000 / M2_PER_MU, rel=1e-6)
    assert row["value"] == pytest.approx(30.0 / 20, rel=1e-6)


def test_capacity_needs_housing_and_public_share(passing: SitingReview) -> None:
    row = criterion(passing, "A", "capacity")
    # 100 people x 25 m² x (1 + 0.4) = 3,500 m² against the whole 40,000 m²
    assert row["threshold"] == pytest.approx(3500.0)
    assert row["value"] == pytest.approx(40_000.0, rel=1e-9)
    assert row["result"] == "pass"
    assert passing.people == 100 and passing.households == 25


def test_usable_area_leaves_out_the_river_clearance() -> None:
    frames = {
        "water": metric_frame(
            [LineString([(-3000, 0), (3000, 0)])], water_class=["river"]
        )
    }
    site = sites(box(-50, 50, 50, 250))  # 100 m x 200 m, 50 m from the river
    got = review_frames(frames, site, movers=movers([500]))
    row = criterion(got, "A", "capacity")
    # the strip 50..100 m from the river (100 x 50 m) is within 100 m
    assert row["value"] == pytest.approx(15_000.0, rel=1e-4)
    assert row["threshold"] == pytest.approx(500 * 35.0)
    assert row["result"] == "fail"
    assert criterion(got, "A", "river")["value"] == pytest.approx(50.0, abs=1e-3)
    assert got.sites["usable_m2"].iloc[0] == pytest.approx(15_000.0, rel=1e-4)


def test_a_site_that_fails_only_capacity(passing: SitingReview) -> None:
    small = box(80, 80, 120, 120)  # 1,600 m², same centre as the big site
    got = review_frames(
        layers(), sites(box(0, 0, 200, 200), small), movers=movers([60, 40])
    )
    rows = got.criteria[got.criteria["name"] == "B"].set_index("criterion")
    failed = rows.index[rows["result"] == "fail"].tolist()
    assert failed == ["capacity"]
    assert rows.loc["capacity", "value"] == pytest.approx(1600.0, rel=1e-6)
    assert rows.loc["capacity", "threshold"] == pytest.approx(3500.0)
    ranked = got.ranked()
    assert list(ranked["name"]) == ["A", "B"]
    assert "Usable area for the movers 1,600 m² (2.4 mu)" in ranked["reason"].iloc[1]


# not assessed, never a failure to run


def test_missing_layers_are_not_assessed_with_the_reason() -> None:
    got = review_frames({}, sites(box(0, 0, 200, 200)))
    reasons = got.criteria.set_index("criterion")["note"]
    assert set(got.criteria["result"]) == {"not_assessed"}
    assert reasons["road"] == "no roads layer"
    assert reasons["hazard"] == "no hazard layer"
    assert reasons["slope_mean"] == "no elevation data"
    assert reasons["capacity"] == "no one chosen to move"
    assert got.sites["verdict"].iloc[0] == "pass"  # nothing failed


def test_an_empty_layer_passes_with_none_found() -> None:
    frames = {"hazards": metric_frame([], name=[])}
    got = review_frames(frames, sites(box(0, 0, 200, 200)))
    row = criterion(got, "A", "hazard")
    assert math.isinf(float(row["value"])) and row["result"] == "pass"  # type: ignore[arg-type]


def test_point_site_counts_its_recorded_area() -> None:
    got = review_frames(
        layers(), sites(Point(100, 100), area_mu=[3.0]), movers=movers([50])
    )
    row = criterion(got, "A", "capacity")
    assert row["value"] == pytest.approx(2000.0)  # 3 mu
    assert row["threshold"] == pytest.approx(1750.0) and row["result"] == "pass"
    bare = review_frames(layers(), sites(Point(100, 100)), movers=movers([50]))
    assert criterion(bare, "A", "capacity")["result"] == "not_assessed"


# slope from an elevation raster in another CRS


def write_plane(path: Path, *, hole_from: float | None = None) -> Path:
    """The 10 % plane over UTM metres from (E0, N0), 10 m cells whose
    edges fall on whole tens of metres from (E0, N0); cells whose centre
    lies at or east of ``hole_from`` (metres from E0) hold no data."""
    west, north, cols, rows = -1000.0, 1000.0, 200, 200
    centre_e = west + CELL * (np.arange(cols) + 0.5)
    centre_n = north - CELL * (np.arange(rows) + 0.5)
    heights = np.repeat((500.0 + 0.1 * centre_n)[:, None], cols, axis=1)
    if hole_from is not None:
        heights[:, centre_e >= hole_from] = NODATA
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": 1,
        "dtype": "float64",
        "nodata": NODATA,
        "crs": UTM,
        "transform": Affine(CELL, 0.0, E0 + west, 0.0, -CELL, N0 + north),
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(heights, 1)
    return path


def test_slope_of_a_tilted_plane(tmp_path: Path) -> None:
    dem = write_plane(tmp_path / "plane.tif")
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem)
    mean, steepest = criterion(got, "A", "slope_mean"), criterion(got, "A", "slope_max")
    assert mean["value"] == pytest.approx(GROUND_SLOPE_DEG, abs=1e-3)
    assert steepest["value"] == pytest.approx(GROUND_SLOPE_DEG, abs=1e-3)
    assert mean["extra_pct"] == pytest.approx(9.996, abs=1e-3)
    assert mean["extra_no_data_share"] == 0.0
    assert (mean["threshold"], mean["result"]) == (15.0, "pass")
    assert got.dem_crs == UTM


def test_slope_limits_fail_a_steeper_plane(tmp_path: Path) -> None:
    dem = write_plane(tmp_path / "plane.tif")
    profile = load_profile(siting={"max_mean_slope_deg": 5, "max_slope_deg": 5.5})
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem, profile=profile)
    assert criterion(got, "A", "slope_mean")["result"] == "fail"
    assert criterion(got, "A", "slope_max")["result"] == "fail"


def test_site_partly_over_no_data_reports_the_share(tmp_path: Path) -> None:
    # the site covers UTM eastings E0 ± 99.96 m: 20 columns of cells
    # (centres at ±5, ..., ±95 m) by 20 rows; the 5 columns from +55 m
    # east hold no data: 100 of 400 cells, 25 %
    dem = write_plane(tmp_path / "hole.tif", hole_from=50.0)
    slope = area_slope(
        open_dem(dem), lonlat(box(-100, -100, 100, 100)), CRS.from_epsg(4326)
    )
    assert (slope.cells, slope.no_data_share) == (400, 0.25)
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem)
    mean = criterion(got, "A", "slope_mean")
    assert mean["extra_no_data_share"] == 0.25
    assert mean["value"] == pytest.approx(GROUND_SLOPE_DEG, abs=1e-3)
    assert "25 % of the site has no elevation data" in str(mean["note"])


def test_mostly_no_data_is_not_assessed(tmp_path: Path) -> None:
    dem = write_plane(tmp_path / "hole.tif", hole_from=-50.0)  # 15 of 20 columns
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem)
    mean = criterion(got, "A", "slope_mean")
    assert mean["result"] == "not_assessed"
    assert (
        mean["note"] == "75 % of the site has no elevation data (at most 50 % allowed)"
    )


def test_site_off_the_raster_is_not_assessed(tmp_path: Path) -> None:
    dem = write_plane(tmp_path / "plane.tif")
    got = review_frames({}, sites(box(5000, 0, 5200, 200)), dem=dem)
    assert criterion(got, "A", "slope_max")["result"] == "not_assessed"
    # said once for the whole review, not only in each site's row
    assert any("has no heights over any site" in n and "EPSG:32648" in n
               for n in got.notes)  # fmt: skip
    covered = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem)
    assert not any("has no heights over any site" in n for n in covered.notes)


def test_steep_ground_is_taken_out_of_the_usable_area(tmp_path: Path) -> None:
    dem = write_plane(tmp_path / "plane.tif")
    profile = load_profile(siting={"max_slope_deg": 5.0})
    got = review_frames(
        {},
        sites(box(-100, -100, 100, 100)),
        dem=dem,
        movers=movers([10]),
        profile=profile,
    )
    capacity = criterion(got, "A", "capacity")
    assert capacity["value"] == pytest.approx(0.0, abs=1.0)
    assert capacity["result"] == "fail" and "steeper than 5°" in str(capacity["note"])
    assert not got.constraints["steep"].empty


def test_steep_cells_at_the_site_edge_are_cut_too(tmp_path: Path) -> None:
    # the site reaches 3 m past the cells whose centres it holds: those
    # strips are as steep as the rest and must not stay usable
    dem = write_plane(tmp_path / "plane.tif")
    profile = load_profile(siting={"max_slope_deg": 5.0})
    got = review_frames({}, sites(box(-103, -103, 103, 103)), dem=dem,
                        movers=movers([10]), profile=profile)  # fmt: skip
    assert criterion(got, "A", "capacity")["value"] == pytest.approx(0.0, abs=1.0)


def test_ground_without_heights_is_not_usable(tmp_path: Path) -> None:
    # 25 % of the site has no heights (cells east of +50 m); the cells
    # next to them have no slope either (Horn's method needs all eight
    # neighbours), so the usable ground runs from the site's west edge
    # to +40 m: 140 m by 200 m, 28,000 m² (to 0.05 %: the DEM's UTM
    # metres and the drawing's differ slightly in scale)
    dem = write_plane(tmp_path / "hole.tif", hole_from=50.0)
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem,
                        movers=movers([10]))  # fmt: skip
    capacity = criterion(got, "A", "capacity")
    assert capacity["value"] == pytest.approx(140 * 200, rel=5e-4)
    assert "ground without elevation data" in str(capacity["note"])
    assert criterion(got, "A", "slope_mean")["result"] == "pass"


def test_a_site_mostly_without_heights_has_no_capacity_verdict(tmp_path: Path) -> None:
    # 75 % without heights: neither slope nor the buildable ground can be
    # judged, so capacity is not assessed (not passed on the whole site)
    dem = write_plane(tmp_path / "hole.tif", hole_from=-50.0)
    got = review_frames({}, sites(box(-100, -100, 100, 100)), dem=dem,
                        movers=movers([10]))  # fmt: skip
    capacity = criterion(got, "A", "capacity")
    assert capacity["result"] == "not_assessed"
    assert capacity["note"] == (
        "75 % of the site has no elevation data (at most 50 % allowed), so how "
        "much of the site is buildable is not known"
    )
    assert capacity["threshold"] == pytest.approx(10 * 25 * 1.4)
    # a raster that misses the site: the same
    far = review_frames({}, sites(box(5000, 0, 5200, 200)), dem=dem,
                        movers=movers([10]))  # fmt: skip
    assert criterion(far, "A", "capacity")["result"] == "not_assessed"
    # without a raster, slope is not assessed but the ground is judged
    plain = review_frames({}, sites(box(-100, -100, 100, 100)), movers=movers([10]))
    assert criterion(plain, "A", "capacity")["result"] == "pass"


def test_slope_on_a_geographic_raster(tmp_path: Path) -> None:
    # heights rise 0.1 m per metre of geodesic northing from 25° N (pyproj
    # Geod on WGS 84): the ground slope is atan(0.1) = 5.7106°
    res = 0.0001
    lats = 25.02 - res * (np.arange(300) + 0.5)
    geod = Geod(ellps="WGS84")
    north = np.array(
        [math.copysign(geod.inv(105, 25, 105, lat)[2], lat - 25) for lat in lats]
    )
    heights = np.repeat((500.0 + 0.1 * north)[:, None], 300, axis=1)
    path = tmp_path / "geo.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=300,
        height=300,
        count=1,
        dtype="float64",
        crs="EPSG:4326",
        transform=Affine(res, 0, 104.99, 0, -res, 25.02),
    ) as dst:
        dst.write(heights, 1)
    slope = area_slope(
        open_dem(path), lonlat(box(-100, -100, 100, 100)), CRS.from_epsg(4326)
    )
    assert slope.mean_deg == pytest.approx(math.degrees(math.atan(0.1)), abs=1e-4)
    assert slope.no_data_share == 0.0


# ranking


def test_ranking_passes_first_then_failures_then_margin() -> None:
    # a safe well at (0, 0), a hazard at (0, -400); the water layer has
    # no river, so every site clears rivers (margin capped at +1):
    # X (0, 600): water (800 - 600) / 800 = 0.25, hazard 1,000 m: 1.0
    #   (capped), river 1.0: total 2.25
    # Y (0, 200): water 0.75, hazard (600 - 500) / 500 = 0.2, river 1.0:
    #   total 1.95
    # Z (0, 900): water 900 m fails
    frames = {
        "water": metric_frame([Point(0, 0)], water_class=["well"]),
        "hazards": metric_frame([Point(0, -400)], name=["h"]),
    }
    got = review_frames(
        frames, sites(Point(0, 200), Point(0, 600), Point(0, 900), name=["Y", "X", "Z"])
    )
    table = got.sites.set_index("name")
    assert table.loc["X", "margin"] == pytest.approx(2.25, abs=1e-6)
    assert table.loc["Y", "margin"] == pytest.approx(1.95, abs=1e-6)
    assert list(got.ranked()["name"]) == ["X", "Y", "Z"]
    assert list(table["rank"]) == [2, 1, 3]
    assert table.loc["Z", "verdict"] == "fail"
    assert "larger total margin (+2.25 against +1.95)" in table.loc["X", "reason"]
    assert "Safe water source 900 m (needs ≤ 800 m)" in table.loc["Z", "reason"]
    assert "Town or market (no facilities layer)" in table.loc["Z", "reason"]


def test_a_site_that_fails_on_safety_ranks_below_one_that_fails_on_reach() -> None:
    # a hazard at (0, -400) (clearance 500 m), a safe well at (0, 0):
    # P (0, 50) is 450 m from the hazard (fails, -0.1) and 50 m from the
    # well (+0.9375): margin +1.8375 with the river's +1; Q (0, 1500)
    # clears the hazard (+1) but is 1,500 m from the well (-0.875):
    # margin +1.125. Both fail one criterion; Q is safe, so Q ranks first
    frames = {
        "water": metric_frame([Point(0, 0)], water_class=["well"]),
        "hazards": metric_frame([Point(0, -400)], name=["h"]),
    }
    got = review_frames(frames, sites(Point(0, 50), Point(0, 1500), name=["P", "Q"]))
    table = got.sites.set_index("name")
    assert table.loc["P", "margin"] == pytest.approx(1.8375, abs=1e-6)
    assert table.loc["Q", "margin"] == pytest.approx(1.125, abs=1e-6)
    assert list(table["fails"]) == [1, 1]
    assert list(got.ranked()["name"]) == ["Q", "P"]
    assert "fails more safety criteria" in table.loc["Q", "reason"]
    assert "(hazard, slope, flood clearance: 0 against 1)" in table.loc["P", "reason"]


# inputs


def test_bad_sites_are_reported_together() -> None:
    frame = sites(box(0, 0, 10, 10), LineString([(0, 0), (1, 1)]), shapely.Polygon())
    with pytest.raises(InputError) as caught:
        review_frames({}, frame)
    message = str(caught.value)
    assert "without a geometry: 2" in message and "(lines?): 1" in message


def test_sites_without_crs_are_refused() -> None:
    frame = gpd.GeoDataFrame({"name": ["A"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(CRSError):
        review_frames({}, frame)


def test_sites_are_named_in_the_language_of_the_review() -> None:
    drawn = sites(box(0, 0, 200, 200), box(400, 0, 600, 200), name=["Upper", "Lower"])
    drawn["name_zh"] = ["上台地", None]  # the second has no Chinese name
    with use_language("zh"):
        assert list(review_frames({}, drawn).sites["name"]) == ["上台地", "Lower"]
    with use_language("en"):
        assert list(review_frames({}, drawn).sites["name"]) == ["Upper", "Lower"]


def test_drawn_features_become_named_sites() -> None:
    square = shapely.geometry.mapping(box(105.0, 25.0, 105.002, 25.002))
    got = sites_from_features(
        [{"type": "Feature", "geometry": square, "properties": {}}]
    )
    assert list(got["name"]) == ["drawn site 1"] and got.crs.to_epsg() == 4326


def test_negative_or_impossible_mover_counts_are_refused() -> None:
    site = sites(box(0, 0, 200, 200))
    with use_language("en"), pytest.raises(InputError) as caught:
        review_frames({}, site, movers=movers([50, -50, 1e9]))
    assert str(caught.value) == (
        "the population must be between 0 and 1,000,000 for each mover; "
        "correct the file for s1 #1: -50, s2 #2: 1e+09"
    )
    with pytest.raises(InputError, match="households"):
        review_frames({}, site, movers=movers([5], households=[-1]))


def test_movers_by_rule() -> None:
    reach = metric_frame([Point(0, 0)] * 3, name=["a", "b", "c"], population=[1, 2, 3])
    reach["hazard_m"] = [100.0, 500.0, 900.0]
    reach["road_m"] = [50.0, 3000.0, 100.0]
    got = movers_by_rule(reach, near_hazard_m=500, without_road_m=2000)
    assert list(got["name"]) == ["a", "b"]
    assert list(got["why"]) == ["hazard", "hazard;road"]
    reach["road_m"] = np.nan
    with pytest.raises(InputError, match="no roads layer"):
        movers_by_rule(reach, without_road_m=2000)


# settings


def test_siting_table_of_the_default_profile_matches_the_defaults() -> None:
    assert load_profile().siting == SitingProfile()
    assert SitingProfile().housing_m2_per_person == 25.0
    assert SitingProfile().needed_m2_per_person == pytest.approx(35.0)
    assert load_profile() == Profile()


def test_a_province_profile_sets_some_siting_keys(tmp_path: Path) -> None:
    path = tmp_path / "guizhou.toml"
    path.write_text('road_m = 800\n[siting]\nhazard_m = 300\ntown_types = ["market"]\n')
    got = load_profile(path)
    assert (got.road_m, got.siting.hazard_m, got.siting.town_types) == (
        800.0,
        300.0,
        ("market",),
    )
    assert got.siting.river_m == 100.0


def test_bad_siting_settings_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[siting]\nhazard_m = -1\npublic_share = 2\nmax_slope_deg = 95\n"
        'town_types = ["mall"]\nhazzard_m = 3\n'
    )
    with pytest.raises(InputError) as caught:
        load_profile(path)
    message = str(caught.value)
    for part in (
        "siting.hazard_m",
        "siting.public_share",
        "siting.max_slope_deg",
        "mall",
        "siting.hazzard_m",
    ):
        assert part in message


# files


def test_json_and_csv_rows(passing: SitingReview, tmp_path: Path) -> None:
    written = write_review(passing, tmp_path / "r.json")
    document = json.loads(written[0].read_text("utf-8"))
    row = document["sites"][0]
    assert row["rank"] == 1 and row["hazard_result"] == "pass"
    assert row["slope_mean_result"] == "not_assessed"
    assert row["slope_mean_value"] is None
    assert document["metadata"]["siting"]["housing_m2_per_person"] == 25.0
    csv = write_review(passing, tmp_path / "r.csv")
    assert csv[1].name == "r.meta.json"
    assert csv[0].read_bytes().startswith(b"\xef\xbb\xbf")


def test_sheets_escape_names_and_print_chinese(tmp_path: Path) -> None:
    with use_language("zh"):
        got = review_frames(
            layers(),
            sites(box(0, 0, 200, 200), name=["<b>幸福</b>安置点"]),
            movers=movers([60, 40]),
        )
        page = write_review(got, tmp_path / "r.html")[0].read_text("utf-8")
        pdf = write_review(got, tmp_path / "r.pdf")[0].read_bytes()
    assert "<b>幸福" not in page and "&lt;b&gt;幸福&lt;/b&gt;安置点" in page
    assert "与灾害点的避让距离" in page and "通过" in page
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # TrueType embedded
