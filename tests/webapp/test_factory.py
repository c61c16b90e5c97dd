"""create_app: configuration order, the dataset loaded once, error mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from parks.errors import (
    DataNotFoundError,
    InvalidFirmProfileError,
    InvalidInputError,
    LotNotFoundError,
    ParkNotFoundError,
    SitingError,
)
from webapp import DEFAULT_DATA_DIR, create_app, get_baseline, get_layers
from webapp.errors import status_for


def test_defaults(shapes_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(shapes_dir)})
    assert app.config["DEFAULT_LANG"] == "ja"
    assert app.config["TILES"] is None
    assert not app.testing


def test_default_data_dir_is_repository_data() -> None:
    assert Path(__file__).resolve().parents[2] / "data" == DEFAULT_DATA_DIR


def test_environment_then_test_config(monkeypatch: pytest.MonkeyPatch, shapes_dir: Path) -> None:
    monkeypatch.setenv("SITING_DATA_DIR", str(shapes_dir))
    monkeypatch.setenv("SITING_DEFAULT_LANG", "en")
    app = create_app()
    assert app.config["DATA_DIR"] == str(shapes_dir)
    assert app.config["DEFAULT_LANG"] == "en"
    assert create_app({"DEFAULT_LANG": "ja"}).config["DEFAULT_LANG"] == "ja"


def test_default_lang_from_config_picks_page_language(shapes_dir: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(shapes_dir), "DEFAULT_LANG": "en"})
    assert '<html lang="en">' in app.test_client().get("/").get_data(as_text=True)


def test_bad_default_lang(shapes_dir: Path) -> None:
    with pytest.raises(ValueError, match="DEFAULT_LANG must be one of ja, en; got 'fr'"):
        create_app({"DATA_DIR": str(shapes_dir), "DEFAULT_LANG": "fr"})


def test_missing_dataset(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="siting build-data"):
        create_app({"DATA_DIR": str(tmp_path)})


def test_layers_loaded_once(app) -> None:
    with app.app_context():
        # the published baseline is loaded once; the current layers are built from the
        # inventory store once per store change and shared between requests
        assert get_baseline() is app.extensions["siting"]
        assert get_layers() is get_layers()
        assert len(get_layers().lots) == 3


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInputError(["a", "b"]), 400),
        (InvalidFirmProfileError("bad profile"), 400),
        (LotNotFoundError("no lot"), 404),
        (ParkNotFoundError("no park"), 404),
        (SitingError("other"), 500),
    ],
)
def test_status_for(error: SitingError, status: int) -> None:
    assert status_for(error) == status


def test_domain_errors_become_json_under_api(app) -> None:
    def boom() -> str:
        raise InvalidFirmProfileError(["industry is required", "new_hires must be >= 0"])

    app.add_url_rule("/api/boom", view_func=boom)
    response = app.test_client().get("/api/boom")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "industry is required; new_hires must be >= 0",
        "problems": ["industry is required", "new_hires must be >= 0"],
    }


def test_domain_errors_become_html_elsewhere(app) -> None:
    def boom() -> str:
        raise ParkNotFoundError("no park 'x'")

    app.add_url_rule("/parks/boom", view_func=boom)
    response = app.test_client().get("/parks/boom")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "no park &#39;x&#39;" in response.get_data(as_text=True)


def test_unmapped_domain_error_is_500_without_detail(app) -> None:
    def boom() -> str:
        raise SitingError("secret internals")

    app.add_url_rule("/api/boom500", view_func=boom)
    response = app.test_client().get("/api/boom500")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
