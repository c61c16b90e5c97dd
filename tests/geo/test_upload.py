"""Uploads read from memory: formats, zip checks, one layer, limits."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
import shapely

from geo.upload import UploadError, UploadLimits, read_upload


def _frame(n=1):
    return gpd.GeoDataFrame(
        {"i": range(n)}, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(n)], crs=6675
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _shapefile(tmp_path) -> dict[str, bytes]:
    _frame().to_file(tmp_path / "a.shp")
    return {f"deep/dir/a{p.suffix}": p.read_bytes() for p in tmp_path.glob("a.*")}


def test_a_nested_zipped_shapefile_is_read(tmp_path) -> None:
    frame = read_upload(_zip(_shapefile(tmp_path)), "area.zip")
    assert len(frame) == 1
    assert frame.crs.to_epsg() == 6675


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda f: {**f, "other/b.shp": f["deep/dir/a.shp"]}, "exactly one .shp"),
        (lambda f: {k: v for k, v in f.items() if not k.endswith(".dbf")}, "lacks its .dbf"),
        (lambda f: {**{f"x{i}.txt": b"" for i in range(60)}, **f}, "holds 6"),
    ],
)
def test_bad_zips_are_refused(tmp_path, edit, expected) -> None:
    with pytest.raises(UploadError) as err:
        read_upload(_zip(edit(_shapefile(tmp_path))), "area.zip")
    assert expected in str(err.value)


def test_a_zip_that_unpacks_too_big_is_refused_unread() -> None:
    data = _zip({"a.shp": b"\0" * 2_000_000})
    with pytest.raises(UploadError) as err:
        read_upload(data, "bomb.zip", limits=UploadLimits(max_unzipped_bytes=1_000_000))
    assert "unpacks to" in str(err.value)


def test_a_geopackage_with_two_layers_is_refused(tmp_path) -> None:
    path = tmp_path / "two.gpkg"
    _frame().to_file(path, layer="a")
    _frame().to_file(path, layer="b")
    with pytest.raises(UploadError) as err:
        read_upload(path.read_bytes(), "two.gpkg")
    assert "exactly one layer" in str(err.value)


def test_limits_on_size_and_features() -> None:
    text = _frame(5).to_json().encode()
    with pytest.raises(UploadError):
        read_upload(text, "a.geojson", limits=UploadLimits(max_bytes=10))
    with pytest.raises(UploadError) as err:
        read_upload(text, "a.geojson", limits=UploadLimits(max_features=3))
    assert "5 features" in str(err.value)
    assert len(read_upload(text, "a.geojson")) == 5
