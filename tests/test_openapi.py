"""openapi.yaml describes the whole /api, and schemathesis finds nothing against it.

Schemathesis runs in-process against the WSGI app, signed in (session
cookie and X-CSRFToken as the spec's two security schemes), through every phase (examples,
coverage, fuzzing, stateful) with the checks not_a_server_error, negative_data_rejection,
ignored_auth and response_schema_conformance. The everyday run is bounded (a few examples per
operation, about 20 s); `make test-fuzz` sets LIMBER_API_FUZZ_EXAMPLES for a deep run.
"""

from __future__ import annotations

import collections
import os
import re
from typing import Any

import pytest
import yaml
from flask import Flask

from stretch_app.config import PROJECT_ROOT

from .helpers import PASSWORD

SPEC_FILE = PROJECT_ROOT / "openapi.yaml"
API_FUZZ_EXAMPLES = int(os.environ.get("LIMBER_API_FUZZ_EXAMPLES") or 0)
SEED = int(os.environ.get("LIMBER_API_FUZZ_SEED") or (0 if API_FUZZ_EXAMPLES else 20261124))
CHECKS = ("not_a_server_error", "negative_data_rejection", "ignored_auth",
          "response_schema_conformance")
# 413 is how this API rejects a body over its size limit.
REJECTION_STATUSES = ["400", "401", "403", "404", "405", "409", "413", "415", "422"]
PHASES = ("examples", "coverage", "fuzzing", "stateful")


def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_the_spec_describes_every_api_route_and_nothing_else(app: Flask) -> None:
    """every /api rule and method, and the calendar files, are in openapi.yaml."""
    documented = {(path, method.upper()) for path, item in spec()["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    served = {(openapi_path(rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") or rule.rule.endswith(".ics")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - documented == set(), "routes missing from openapi.yaml"
    assert documented - served == set(), "openapi.yaml describes routes that do not exist"


def test_every_error_answer_uses_the_error_shape() -> None:
    """each 4xx response is {"error": {"code", "message", "field"?}}."""
    document = spec()
    shared = document["components"]["responses"]
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert set(error["properties"]["error"]["properties"]) == {"code", "message", "field"}
    count = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or not path.startswith("/api/"):
                continue  # the calendar files answer errors as pages do
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    response = shared[response["$ref"].rsplit("/", 1)[1]]
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
                    count += 1
                if status.startswith("5"):
                    pytest.fail(f"{method} {path} documents a {status}")
    assert count >= 30


def test_the_spec_is_served_as_yaml(app: Flask) -> None:
    """GET /api/openapi.yaml serves the file at the project's top level."""
    response = app.test_client().get("/api/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.mimetype_params["charset"] == "utf-8"
    assert yaml.safe_load(response.get_data(as_text=True)) == spec()
    assert spec()["openapi"].startswith("3.")
    assert "Content-Security-Policy" in response.headers


# ---- schemathesis -------------------------------------------------------------------------------


def signed_in_credentials(app: Flask) -> tuple[str, str]:
    """Sign up through the form; return the session cookie and a CSRF token for it."""
    client = app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    response = client.post("/signup", data={"login": "schemathesis", "password": PASSWORD,
                                            "time_zone": "Europe/Paris",
                                            "csrf_token": token.group(1)})
    assert response.status_code == 302
    csrf = client.get("/api/csrf").get_json()["csrf_token"]
    cookie = client.get_cookie("limber_session")
    assert cookie is not None
    return cookie.value, csrf


def schemathesis_config(cookie: str, csrf: str) -> Any:
    from schemathesis.config import SchemathesisConfig

    checks: dict[str, Any] = {"enabled": False}
    for name in CHECKS:
        checks[name] = {"enabled": True}
    checks["negative_data_rejection"]["expected-statuses"] = REJECTION_STATUSES
    return SchemathesisConfig.from_dict({
        **({"seed": SEED} if SEED else {}),
        "suppress-health-check": ["all"],
        "auth": {"openapi": {"sessionCookie": {"api_key": cookie},
                             "csrfToken": {"api_key": csrf}}},
        "generation": {"max-examples": API_FUZZ_EXAMPLES or 5, "mode": "all",
                       "database": "none"},
        "checks": checks,
        "phases": {name: {"enabled": True} for name in PHASES},
        # The calendar download is a page: signed out, it sends the person to sign in.
        "operations": [{"include-operation-id": "downloadReminderCalendar", "checks": {
            "negative_data_rejection": {"expected-statuses": [*REJECTION_STATUSES, "302"]}}}],
    })


@pytest.fixture
def wsgi_probes_keep_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work around schemathesis 4.32: its ignored_auth probes pass network-only settings
    (max_redirects, verify, …) on to the WSGI test client, which refuses them."""
    from schemathesis.specs.openapi import _auth_retry

    original = _auth_retry.build_retry_transport_kwargs

    def without_network_settings(*args: Any, **kwargs: Any) -> dict[str, Any]:
        found = original(*args, **kwargs)
        for name in ("max_redirects", "verify", "cert", "proxies"):
            found.pop(name, None)
        return found

    monkeypatch.setattr(_auth_retry, "build_retry_transport_kwargs", without_network_settings)


@pytest.mark.fuzz
@pytest.mark.usefixtures("wsgi_probes_keep_in_process")
def test_schemathesis_finds_no_failures(csrf_app: Flask) -> None:
    """every phase, signed in, four checks → 0 failures, 0 errors."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    cookie, csrf = signed_in_credentials(csrf_app)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.yaml", csrf_app,
                                            config=schemathesis_config(cookie, csrf))
    failures: list[str] = []
    errors: list[str] = []
    cases: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[tuple[str, int]] = collections.Counter()
    phases: dict[str, str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases[str(event.phase.value)] += len(event.recorder.cases)
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    statuses[(event.recorder.label, interaction.response.status_code)] += 1
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures.append(f"{event.recorder.label} {check.name}: {failure.title}"
                                        f" | {failure.message[:300]}\n"
                                        f"  {check.failure_info.code_sample[:600]}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "value", None) or getattr(event, "exception", "")))
        elif isinstance(event, events.PhaseFinished):
            phases[str(event.phase.name.value)] = str(event.status.value)
    report = f"seed {SEED or schema.config.seed}; cases {dict(cases)}"
    assert not errors, f"{report}\n" + "\n".join(errors[:5])
    assert not failures, f"{report}\n" + "\n".join(sorted(set(failures))[:10])
    for name in PHASES:
        assert phases.get(name) == "success", (name, phases, report)
    assert sum(cases.values()) > 1000, report
    # The run really was signed in: protected operations answered 2xx to it.
    signed_in_ok = {label for (label, status), _ in statuses.items()
                    if 200 <= status < 300 and label.split(" ")[-1] not in
                    ("/api/routines", "/api/csrf", "/api/openapi.yaml", "/api/routines/{slug}")}
    assert {"GET /api/stats", "GET /api/export", "POST /api/cramps"} <= signed_in_ok, report
    assert {"POST /api/reminders", "PUT /api/reminders/{reminder_id}",
            "GET /reminders/{reminder_id}.ics"} <= signed_in_ok, report
    print(report)  # noqa: T201 (shown with -s: how much was tried)
