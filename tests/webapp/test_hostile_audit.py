"""Findings of the hostile-input and security audit of the merged app, one regression each.

Each test names the reproducer that reached a 500, leaked a file, kept a signed-out session
alive or let a guess through, and checks the answer now given.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from geo.upload import UploadError, read_upload
from parks.demand import read_demand
from parks.errors import LotImportError
from parks.inventory.users import (
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_NAME,
    create_user,
    set_active,
    set_password,
)
from parks.lot_import import read_lot_bytes
from tests.webapp.staff_helpers import PASSWORD, csrf_token, make_accounts, sign_in
from webapp import create_app, get_store

EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def audit_app(shapes_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The app over the hand-built layers with its own store, accounts and demand log."""
    folder = tmp_path_factory.mktemp("audit")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(shapes_dir),
            "STORE_DIR": str(folder / "store"),
            "DEMAND_LOG": str(folder / "demand.jsonl"),
            "RATELIMIT_ENABLED": False,
        }
    )
    make_accounts(app)
    return app


@pytest.fixture
def anon(audit_app):
    client = audit_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff(anon):
    sign_in(anon, "staff1")
    return anon


# ------------------------------------------------------------------ requests that gave a 500


@pytest.mark.parametrize(
    ("url", "name"),
    [("/lots/techno-park/1?lot_id=x", "lot_id"), ("/parks/techno-park?park_id=x", "park_id")],
)
def test_a_parameter_named_like_a_path_part_is_a_400(anon, url: str, name: str) -> None:
    # was a 500: the language switch built the URL with the name twice (a KeyError)
    response = anon.get(url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "unknown parameter" in text
    assert name in text


def test_an_over_long_address_is_not_repeated_in_the_page(anon) -> None:
    response = anon.get("/parks/" + "x" * 5000)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "x" * 300 not in text  # the language switch repeated all 5,000 characters
    assert 'href="/?lang=ja"' in text  # it links to the map page instead


def test_record_ids_beyond_the_database_are_404(audit_app) -> None:
    # was a 500: SQLite cannot hold the integer 99999999999999999999
    client = audit_app.test_client()
    sign_in(client, "admin1")
    huge = "9" * 20
    assert client.get(f"/staff/leads/{huge}").status_code == 404
    assert client.get(f"/staff/leads/{huge}/pitch.pdf").status_code == 404
    token = csrf_token(client, "/staff/users")
    answer = client.post(f"/staff/users/{huge}/active", data={"csrf_token": token})
    assert answer.status_code == 404


def test_a_missing_csrf_token_is_explained_in_the_page_language(audit_app) -> None:
    client = audit_app.test_client()
    response = client.post("/inquiry", data={"firm": "x"}, headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "The CSRF token is missing" not in text  # Flask-WTF's English
    assert "ページを再読み込み" in text


# ----------------------------------------------------------------------------- uploads

VRT = """<OGRVRTDataSource><OGRVRTLayer name="secret"><SrcDataSource>{path}</SrcDataSource>
<SrcLayer>secret</SrcLayer><GeometryType>wkbPolygon</GeometryType><LayerSRS>EPSG:4326</LayerSRS>
<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>"""


@pytest.fixture
def vrt_of_a_local_file(tmp_path: Path) -> bytes:
    """An OGR VRT that makes GDAL read a CSV file of the server (here a temporary one)."""
    secret = tmp_path / "secret.csv"
    secret.write_text(
        'wkt,park_id,lot_no,status,occupant\n"POLYGON ((136.70 36.60, 136.701 36.60, '
        '136.701 36.601, 136.70 36.601, 136.70 36.60))",techno-park,9,available,TOPSECRET\n',
        encoding="utf-8",
    )
    data = VRT.format(path=secret).encode()
    # the attack is real: GDAL itself opens the file the VRT names, whatever the upload's name
    leaked = pyogrio.read_dataframe(io.BytesIO(data))
    assert list(leaked["occupant"]) == ["TOPSECRET"]
    return data


@pytest.mark.parametrize("name", ["area.geojson", "area.json", "area.gpkg"])
def test_an_upload_that_is_not_what_its_name_says_is_refused_unread(
    vrt_of_a_local_file: bytes, name: str
) -> None:
    with pytest.raises(UploadError) as info:
        read_upload(vrt_of_a_local_file, name)
    assert info.value.key == "content"
    assert "does not hold" in str(info.value)


@pytest.mark.parametrize("name", ["lots.geojson", "lots.json", "lots.gpkg", "lots.zip"])
def test_a_lot_file_that_is_not_what_its_name_says_is_refused_unread(
    vrt_of_a_local_file: bytes, name: str
) -> None:
    with pytest.raises(LotImportError) as info:
        read_lot_bytes(vrt_of_a_local_file, name)
    assert "does not hold" in str(info.value)
    assert "TOPSECRET" not in str(info.value)


def test_the_planner_refuses_a_disguised_upload(audit_app, vrt_of_a_local_file: bytes) -> None:
    client = audit_app.test_client()
    sign_in(client, "staff1")
    response = client.post(
        "/planner/assess",
        data={"file": (io.BytesIO(vrt_of_a_local_file), "area.geojson")},
        headers={"Accept": "application/json", **EN},
    )
    assert response.status_code == 400
    (problem,) = response.get_json()["problems"]
    assert "does not hold GeoJSON data" in problem


def _damaged_shapefile_zip(tmp_path: Path) -> bytes:
    """A zipped Shapefile whose .shp data no longer matches its CRC (torn or forged)."""
    frame = gpd.GeoDataFrame({"n": [1]}, geometry=[box(136.7, 36.6, 136.701, 36.601)], crs=4326)
    frame.to_file(tmp_path / "a.shp")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(tmp_path / f"a{suffix}", f"a{suffix}")
    data = bytearray(out.getvalue())
    shp = (tmp_path / "a.shp").read_bytes()
    start = bytes(data).index(shp)
    data[start + len(shp) - 1] ^= 0xFF  # one byte of the outline changed
    return bytes(data)


def test_a_damaged_zip_is_refused_not_a_500(tmp_path: Path) -> None:
    data = _damaged_shapefile_zip(tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(data))
    with pytest.raises(zipfile.BadZipFile):  # what used to escape as a 500
        archive.read("a.shp")
    with pytest.raises(UploadError) as info:
        read_upload(data, "area.zip")
    assert info.value.key == "bad_zip"
    with pytest.raises(LotImportError, match="damaged"):
        read_lot_bytes(data, "lots.zip")


@pytest.mark.parametrize("where", ["body", "form"])
def test_the_planner_refuses_deeply_nested_json(staff, where: str) -> None:
    # was a 500: RecursionError in Flask's JSON parser (body) and in the drawn-area check (form)
    deep = "[" * 50_000 + "]" * 50_000
    if where == "body":
        response = staff.post(
            "/planner/assess",
            data='{"geojson": ' + deep + "}",
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
    else:
        response = staff.post(  # the page posts the drawn area as multipart form data
            "/planner/assess",
            data={"geojson": deep[:30_000] + deep[-30_000:]},
            content_type="multipart/form-data",
            headers=EN,
        )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "nested too deeply" in text or "not valid JSON" in text


# ---------------------------------------------------------------------------- demand log

GOOD = {
    "logged_at": "2026-01-05T10:00:00+00:00",
    "key": "good",
    "as_of": "2026-01-05",
    "live": True,
    "criteria": {"industry": "manufacturing", "land_m2": {"min": 5000}},
    "matches": 0,
    "near_misses": 1,
    "near_miss_counts": {"area": 1},
    "failed_constraints": ["area"],
}
DAMAGED = [
    {**GOOD, "key": "a", "criteria": {"land_m2": {"min": "<b>"}}},
    {**GOOD, "key": "b", "criteria": {"land_m2": ["x"]}},
    {**GOOD, "key": "c", "as_of": "x"},
    {**GOOD, "key": "d", "matches": "many"},
    {**GOOD, "key": "e", "near_miss_counts": {"area": "1"}},
    {**GOOD, "key": "f", "failed_constraints": "area"},
    [1, 2, 3],
]


def test_damaged_demand_records_are_skipped(audit_app, staff) -> None:
    # was a 500 on /planner/vacancy: float('<b>') from a record of the wrong shape
    log = Path(audit_app.config["DEMAND_LOG"])
    lines = [json.dumps(r) for r in [GOOD, *DAMAGED]]
    log.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe torn line\n")
    try:
        assert [r["key"] for r in read_demand(log)] == ["good"]
        assert staff.get("/planner/vacancy").status_code == 200
        assert staff.get("/planner/vacancy.json").status_code == 200
    finally:
        log.unlink()


# ------------------------------------------------------------------------------- exports


def test_csv_exports_defuse_spreadsheet_formulas() -> None:
    from webapp.exports import to_csv

    frame = gpd.GeoDataFrame(
        {
            "source": ['=HYPERLINK("http://evil.example","x")', "+1", "@SUM(A1)", "plain"],
            "price": [-5, 1, 2, 3],
        },
        geometry=[box(0, 0, 1, 1)] * 4,
        crs=4326,
    )
    rows = to_csv(frame).decode("utf-8-sig").splitlines()
    assert rows[1].startswith("\"'=HYPERLINK(")
    assert rows[2].startswith("'+1,1,")
    assert rows[3].startswith("'@SUM(A1),2,")
    assert rows[4].startswith("plain,3,")
    assert ",-5," in rows[1]  # numbers stay numbers


# ---------------------------------------------------------------------- sessions, sign-in


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(audit_app) -> None:
    client = audit_app.test_client()
    sign_in(client, "staff1")
    stolen = _session_cookie(client)
    token = csrf_token(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 303
    replay = audit_app.test_client()
    replay.set_cookie("session", stolen)
    # the signed cookie is still valid; the sign-in it names has ended
    assert replay.get("/staff/").status_code == 302


def test_each_sign_in_gets_a_new_token(audit_app) -> None:
    serializer = audit_app.session_interface.get_signing_serializer(audit_app)
    tokens = []
    for _ in range(2):
        client = audit_app.test_client()
        csrf_token(client)  # an anonymous session exists before signing in
        before = serializer.loads(_session_cookie(client))
        sign_in(client, "staff1")
        after = serializer.loads(_session_cookie(client))
        assert "sign_in" not in before
        tokens.append(after["sign_in"])
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("how", ["disabled", "new password"])
def test_an_account_change_signs_its_browsers_out(audit_app, how: str) -> None:
    name = "staffdis" if how == "disabled" else "staffpwd"
    with audit_app.app_context():
        account = create_user(get_store(), name, PASSWORD, "staff", by="test")
    client = audit_app.test_client()
    sign_in(client, name)
    assert client.get("/staff/").status_code == 200
    with audit_app.app_context():
        if how == "disabled":
            set_active(get_store(), account.id, False, by="test")
        else:
            set_password(get_store(), name, "another long passphrase", by="test")
    assert client.get("/staff/").status_code == 302


def _login(client, name: str, password: str, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client.post(
        "/staff/login",
        data={"name": name, "password": password, "csrf_token": csrf_token(client)},
        headers=EN,
    )


def test_failed_sign_ins_are_counted_across_server_processes(shapes_dir, tmp_path) -> None:
    """Two apps on one store stand for two gunicorn workers: the count is shared."""
    config = {
        "TESTING": True,
        "DATA_DIR": str(shapes_dir),
        "STORE_DIR": str(tmp_path / "store"),
        "DEMAND_LOG": str(tmp_path / "demand.jsonl"),
        "RATELIMIT_ENABLED": False,  # the per-process limiter is not what is tested here
    }
    one, two = create_app(config), create_app(config)
    make_accounts(one)
    a, b = one.test_client(), two.test_client()
    for _ in range(MAX_FAILURES_PER_ADDRESS):
        assert _login(a, "admin1", "wrong password!!", "10.0.0.1").status_code == 401
    blocked = _login(b, "admin1", PASSWORD, "10.0.0.1")  # right password, other worker
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert _login(b, "staff1", PASSWORD, "10.0.0.2").status_code == 303  # others unaffected
    # guesses spread over many addresses still count against the account name
    for i in range(MAX_FAILURES_PER_NAME - MAX_FAILURES_PER_ADDRESS):
        _login(a, "admin1", "wrong password!!", f"10.1.0.{i}")
    assert _login(b, "admin1", PASSWORD, "10.2.0.1").status_code == 429


def test_sign_in_refusals_do_not_say_whether_the_account_exists(audit_app) -> None:
    def refusal(name: str) -> tuple[int, str]:
        client = audit_app.test_client()
        response = _login(client, name, "wrong password!!", "10.9.9.9")
        text = response.get_data(as_text=True)
        return response.status_code, text[text.index("<h1>") : text.index("</form>")].split(
            'name="csrf_token"'
        )[0]

    assert refusal("nosuchaccount") == refusal("admin1")


# ------------------------------------------------------------------------- the planner


def _planner_urls(app) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/planner/"):
            url = rule.rule.replace("<fmt>", "json").replace("<candidate_id>", "c1")
            url = url.replace("<key>", "x")
            urls += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_the_planner_workspace_is_for_signed_in_staff(audit_app) -> None:
    client = audit_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    urls = _planner_urls(audit_app)
    assert len(urls) >= 11
    for method, url in urls:
        page = client.open(url, method=method, headers={"Accept": "text/html"})
        if url.endswith(".json"):  # a JSON address answers JSON whatever the Accept header
            assert page.status_code == 401, (method, url, page.status_code)
        else:
            assert page.status_code == 302, (method, url, page.status_code)
            assert page.headers["Location"].startswith("/staff/login")
        api = client.open(url, method=method, headers={"Accept": "application/json"})
        assert api.status_code == 401, (method, url)
        assert api.get_json()["error"] == "Sign in first."
    # after signing in, the sign-in page sends the planner back where they were going
    form = {"name": "staff1", "password": PASSWORD, "csrf_token": csrf_token(client)}
    back = client.post("/staff/login?next=/planner/vacancy", data=form)
    assert back.headers["Location"] == "/planner/vacancy"
    assert client.get("/planner/vacancy").status_code == 200


# ------------------------------------------------------------------ NUL characters


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_nul_character_in_a_form_is_a_400(anon, encoding: str) -> None:
    # was a 500 on PostgreSQL, which cannot store NUL ("text fields cannot contain NUL")
    form = {"name": "admin\x00", "password": "x", "csrf_token": csrf_token(anon)}
    if encoding == "multipart":
        form["file"] = (io.BytesIO(b"x"), "a\x00.txt")
    response = anon.post(
        "/staff/login",
        data=form,
        content_type="multipart/form-data" if encoding == "multipart" else None,
    )
    assert response.status_code == 400
    assert "contains a NUL character" in response.get_data(as_text=True)
    assert anon.get("/search?park=a%00b").status_code == 400


def test_lot_text_with_control_characters_is_refused_row_by_row() -> None:
    from parks.data import load_layers
    from parks.lot_import import prepare_lot_import
    from tests.conftest import DATA_DIR

    baseline = load_layers(DATA_DIR)
    lots = baseline.lots_of("katatsu")
    frame = lots[["park_id", "lot_no", "status", "geometry"]].copy().reset_index(drop=True)
    frame["source"] = "city lot plan"
    frame.loc[1, "source"] = "a\x00b"
    csv = frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry")
    with pytest.raises(LotImportError) as info:
        prepare_lot_import(csv.to_csv(index=False).encode("utf-8"), "lots.csv", baseline)
    assert "row 2: source contains a control character" in info.value.problems
