"""The staff workspace from outside: anonymous users, CSRF, roles, the lot workflow by form."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.webapp.staff_helpers import PASSWORD, csrf_token, sign_in, staff_test_app
from webapp import create_app


@pytest.fixture(scope="module")
def staff_app(tmp_path_factory: pytest.TempPathFactory):
    return staff_test_app(tmp_path_factory, "staff")


def staff_rules(app) -> list[str]:
    """Every URL rule of the staff workspace, with sample values for its variables."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or rule.endpoint == "staff.login":
            continue
        url = rule.rule.replace("<path:lot_id>", "inaho/1").replace("<token>", "x")
        url = re.sub(r"<int(\([^)]*\))?:(lead|user)_id>", "1", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_every_staff_view_is_guarded(staff_app) -> None:
    views = {
        rule.endpoint
        for rule in staff_app.url_map.iter_rules()
        if rule.rule.startswith("/staff/") and rule.endpoint != "staff.login"
    }
    assert len(views) >= 14
    unguarded = [v for v in views if not getattr(staff_app.view_functions[v], "staff_only", False)]
    assert unguarded == []


def test_anonymous_users_are_refused_everywhere(staff_app) -> None:
    client = staff_app.test_client()
    token = csrf_token(client)
    for method, url in staff_rules(staff_app):
        page = client.open(url, method=method, data={"csrf_token": token})
        assert page.status_code == 302, (method, url, page.status_code)
        assert page.headers["Location"].startswith("/staff/login")
        api = client.open(
            url, method=method, data={"csrf_token": token}, headers={"Accept": "application/json"}
        )
        assert api.status_code == 401, (method, url)


def test_a_form_without_a_valid_csrf_token_is_refused(staff_app) -> None:
    client = staff_app.test_client()
    no_token = client.post("/staff/login", data={"name": "admin1", "password": PASSWORD})
    assert no_token.status_code == 400
    sign_in(client, "staff1")
    before = client.get("/staff/lots/inaho/2").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', before).group(1)
    for token in (None, "forged", csrf_token(staff_app.test_client())):
        data = {"version": version, "notes": "x"}
        if token:
            data["csrf_token"] = token
        assert client.post("/staff/lots/inaho/2", data=data).status_code == 400
    after = client.get("/staff/lots/inaho/2").get_data(as_text=True)
    assert f'name="version" value="{version}"' in after


def test_staff_cannot_do_admin_actions(staff_app) -> None:
    client = staff_app.test_client()
    sign_in(client, "staff1")
    token = csrf_token(client, "/staff/")
    assert client.get("/staff/users").status_code == 403
    created = client.post(
        "/staff/users",
        data={"name": "mallory", "password": PASSWORD, "role": "admin", "csrf_token": token},
    )
    assert created.status_code == 403
    assert client.post("/staff/import", data={"csrf_token": token}).status_code == 403
    assert client.get("/staff/audit").status_code == 403
    assert client.post("/staff/users/1/active", data={"csrf_token": token}).status_code == 403
    admin = staff_app.test_client()
    sign_in(admin, "admin1")
    assert "mallory" not in admin.get("/staff/users").get_data(as_text=True)


def test_wrong_password_is_refused_and_sessions_cookies_are_safe(staff_app) -> None:
    client = staff_app.test_client()
    bad = client.post(
        "/staff/login",
        data={"name": "admin1", "password": "wrong password!", "csrf_token": csrf_token(client)},
    )
    assert bad.status_code == 401
    good = client.post(
        "/staff/login",
        data={"name": "admin1", "password": PASSWORD, "csrf_token": csrf_token(client)},
        base_url="https://localhost",
    )
    cookie = next(c for c in good.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie  # served over HTTPS


def test_status_change_by_form_then_stale_form_is_refused(staff_app) -> None:
    client = staff_app.test_client()
    sign_in(client, "staff1")
    page = client.get("/staff/lots/inaho/3").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    token = csrf_token(client, "/staff/lots/inaho/3")
    moved = client.post(
        "/staff/lots/inaho/3",
        data={"csrf_token": token, "version": version, "status": "available", "reason": "resale"},
    )
    assert moved.status_code == 303
    stale = client.post(
        "/staff/lots/inaho/3",
        data={"csrf_token": token, "version": version, "price_per_m2": "20000"},
    )
    assert stale.status_code == 409
    shown = stale.get_data(as_text=True)
    assert re.search(r"編集中に \S+ 区画 3 が", shown)  # Japanese by default, the lot by name
    assert "inaho/3</" not in shown
    again = client.post(
        "/staff/lots/inaho/3?lang=en",
        data={"csrf_token": token, "version": version, "price_per_m2": "20000"},
    )
    assert again.status_code == 409
    assert "while you were editing" in again.get_data(as_text=True)
    public = client.get("/api/lots/inaho/3").get_json()["properties"]
    assert public["status"] == "available"
    assert public["status_verified_on"] is not None
    assert "notes" not in public
    assert "negotiating_firm" not in public


def test_login_is_throttled(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(DATA_DIR), "STORE_DIR": str(tmp_path / "s")})
    client = app.test_client()
    token = csrf_token(client)
    codes = [
        client.post(
            "/staff/login", data={"name": "x", "password": "y" * 12, "csrf_token": token}
        ).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


def test_pitch_pdf_for_a_lead_in_both_languages(staff_app, tmp_path: Path) -> None:
    from parks.inventory.leads import create_lead, set_lots_of_interest
    from parks.profile import validate_profile
    from webapp import get_store

    scenario = (
        Path(__file__).resolve().parents[1] / "data" / "scenarios" / "precision-parts-maker.json"
    )
    import json

    profile = validate_profile(json.loads(scenario.read_text(encoding="utf-8"))["profile"])
    with staff_app.app_context():
        lead_id = create_lead(
            get_store(),
            firm="Precision Parts KK",
            contact_name="Sato",
            contact_email="sato@example.jp",
            contact_phone=None,
            profile=profile,
            message=None,
            consent=True,
        )
        set_lots_of_interest(get_store(), lead_id, ["inaho/P2-1"], user="test")
    client = staff_app.test_client()
    sign_in(client, "staff1")
    for lang in ("ja", "en"):
        response = client.get(f"/staff/leads/{lead_id}/pitch.pdf?lot=inaho/P2-1&lang={lang}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        path = tmp_path / f"pitch-{lang}.pdf"
        path.write_bytes(response.data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
        assert 1 <= pages <= 2
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "P2-1" in text  # the lot number (the sheet never shows internal ids)
        assert "Precision Parts KK" in text
        # city grant: 20 % x 200,000,000 + 5 % x 900,000,000 + 30 x 200,000 = 91,000,000;
        # prefecture: 20 % x 1,100,000,000 + 8 x 500,000 = 224,000,000
        assert "91,000,000" in text
        assert "224,000,000" in text
        minutes = re.findall(r"\b\d{1,2}\.\d\b", text)
        assert minutes, "no drive minutes in the PDF"


def test_web_import_lists_problems_then_shows_the_diff_and_applies(staff_app) -> None:
    import io
    import json

    from parks.data import load_layers

    client = staff_app.test_client()
    sign_in(client, "admin1")
    token = csrf_token(client, "/staff/import")
    lots = load_layers(DATA_DIR).lots_of("katatsu")[["park_id", "lot_no", "status", "geometry"]]
    lots = lots.reset_index(drop=True)
    bad = lots.copy()
    bad.loc[1, "lot_no"] = "../../etc/passwd"
    bad.loc[2, "status"] = "gone"
    refused = client.post(
        "/staff/import?lang=en",
        data={"csrf_token": token, "file": (io.BytesIO(bad.to_json().encode()), "lots.geojson")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'row 2: <code translate="no">lot_no</code>' in page  # the column as code
    assert "row 3: unknown status" in page
    good = lots.copy()
    good.loc[0, "status"] = "available"
    checked = client.post(
        "/staff/import?lang=en",
        data={"csrf_token": token, "file": (io.BytesIO(good.to_json().encode()), "lots.geojson")},
        content_type="multipart/form-data",
    )
    assert checked.status_code == 200
    page = checked.get_data(as_text=True)
    diff = json.loads(page.split('id="import-diff-data">', 1)[1].split("</script>", 1)[0])
    changes = {f["properties"]["lot_id"]: f["properties"]["change"] for f in diff["features"]}
    assert changes["katatsu/1"] == "changed"
    apply_url = page.split('action="', 2)[2].split('"', 1)[0]  # the second form: apply
    assert apply_url.startswith("/staff/import/")
    assert client.get("/api/lots/katatsu/1").get_json()["properties"]["status"] == "sold"
    applied = client.post(apply_url, data={"csrf_token": token})
    assert applied.status_code == 303
    assert client.get("/api/lots/katatsu/1").get_json()["properties"]["status"] == "available"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("available", {"分譲中"}),
        ("negotiating", {"商談中"}),
        ("reserved", {"予約済", "仮契約"}),
        ("sold", {"分譲済", "分譲済み"}),
        ("planned", {"造成中", "分譲予定"}),
    ],
)
def test_staff_pages_name_statuses_with_the_glossary_words(status: str, words: set[str]) -> None:
    from webapp.staff_view import label

    # ../shared/GLOSSARY.md: 分譲中, 商談中, 予約済 / 仮契約, 分譲済, 造成中 / 分譲予定
    assert label("status", status, "ja") in words
