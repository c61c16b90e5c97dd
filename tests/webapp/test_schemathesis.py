"""The live app under ``siting serve`` (gunicorn) against its own OpenAPI document.

Schemathesis generates requests from ``/api/openapi.json`` (valid and invalid ones, a fixed
seed, a bounded number per operation) and checks every answer: no 5xx, a documented status,
the documented content type and headers, and a body that conforms to the response schema.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import DATA_DIR
from tests.live import running_server

pytestmark = pytest.mark.slow

CASES_PER_OPERATION = 500
"""Generated requests per operation, half valid and half invalid (five operations take input,
four take none: about 2,500 requests in all)."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("schemathesis") / "demand.jsonl"
    # SITING_DEBUG must not turn anything on under the production server
    with running_server(DATA_DIR, log, env={"SITING_DEBUG": "true"}) as url:
        yield url


@pytest.fixture(scope="module")
def api_schema(live_url: str):
    return schemathesis.openapi.from_url(f"{live_url}/api/openapi.json")


def _operations(api_schema) -> list:
    return [result.ok() for result in api_schema.get_all_operations()]


TIME_BOUND_S = 240.0
"""A run slower than this fails (it takes well under a minute on a quiet 2-core machine)."""


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_document(api_schema, live_url: str, mode: GenerationMode) -> None:
    failures: list[str] = []
    calls = 0
    started = time.monotonic()
    for operation in _operations(api_schema):
        if time.monotonic() - started > TIME_BOUND_S:
            failures.append(f"time bound of {TIME_BOUND_S:.0f} s exceeded before {operation.label}")
            break

        @settings(
            max_examples=CASES_PER_OPERATION // 2,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=live_url, checks=CHECKS, timeout=10)

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to break in an operation with no input
        except Exception as exc:  # collect every operation's first failure, then report
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert failures == [], "\n\n".join(failures)
    print(f"schemathesis {mode.value}: {calls} requests in {time.monotonic() - started:.0f} s")
    assert calls >= 1000  # hypothesis ran the cases (fewer only where an input space is tiny)


def test_document_is_openapi_3_1(api_schema) -> None:
    raw = api_schema.raw_schema
    assert raw["openapi"].startswith("3.1")
    assert set(raw["paths"]) >= {
        "/api/parks",
        "/api/lots",
        "/api/lots/{lot_id}",
        "/api/destinations",
        "/api/isochrone",
        "/api/match",
        "/api/grants",
    }
    profile = raw["components"]["schemas"]["FirmProfile"]
    assert profile["properties"]["new_hires"]["maximum"] == 1_000_000  # every number bounded
    for path in raw["paths"].values():
        for op in path.values():
            if "requestBody" in op:
                assert {"400", "413", "415"} <= set(op["responses"])


def test_production_server_has_no_debugger_and_no_version_banner(live_url: str) -> None:
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{live_url}/api/parks") as response:
        assert response.headers["Server"] == "gunicorn"  # no version
        assert "nonce" not in response.headers["Content-Security-Policy"]  # no inline script
        assert response.headers["X-Frame-Options"] == "DENY"
    for path, status in (("/console", 404), ("/?__debugger__=yes&cmd=resource&f=style.css", 400)):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{live_url}{path}")
        assert info.value.code == status  # no debugger console or resource behind either
        assert b"Werkzeug" not in info.value.read()
        info.value.close()


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /<script>alert(1)</script> HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /" + b"x" * 9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
    ],
    ids=["bad-request-line", "long-address"],
)
def test_requests_gunicorn_refuses_get_our_headers(
    live_url: str, request_bytes: bytes, status: int
) -> None:
    """gunicorn answers malformed requests itself; its page repeated the request, bare."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(live_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith(f"HTTP/1.1 {status} ")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    text = body.decode("utf-8")
    assert "<script>" not in text
    assert "xxxxxxxxxx" not in text  # nothing of the request is repeated
