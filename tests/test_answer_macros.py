"""The answer macros of includes/answers.jinja, called directly in a plain Jinja environment
(with the filters Copier adds): what each answer becomes, and what each bad answer is told,
without rendering a project. test_questions.py checks the same messages through Copier."""

import json
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .conftest import TEMPLATE_ROOT

MACROS = (
    Environment(
        loader=FileSystemLoader(TEMPLATE_ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        undefined=StrictUndefined,
    )
    .get_template("includes/answers.jinja")
    .module
)


def parsed(macro: str, *args: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(str(getattr(MACROS, macro)(*args)))
    return result


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("1h", 3600), ("30s", 30), ("30 seconds", 30), ("2 hours", 7200), ("1d", 86400)],
)
def test_a_duration_becomes_seconds(text: str, seconds: int) -> None:
    assert parsed("parse_duration", text) == {"items": seconds, "errors": []}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("15", "is not a duration"),
        ("5s", "too short"),
        ("2d", "too long"),
        ("", "is not a duration"),
    ],
)
def test_a_bad_duration_is_refused_with_the_reason(text: str, message: str) -> None:
    errors = parsed("parse_duration", text)["errors"]
    assert len(errors) == 1 and message in errors[0], errors


def test_a_durations_bounds_and_words_are_the_callers() -> None:
    errors = parsed("parse_duration", "10m", "A rotation interval", 3600, 31536000, "why")["errors"]
    assert errors and errors[0].startswith("A rotation interval of 10m is too short"), errors


def test_short_and_structured_claims_become_the_same_plain_data() -> None:
    short = parsed("parse_claims", ["role: str = user", "tier: int", "beta: bool = true"])
    structured = parsed(
        "parse_claims",
        [
            {"name": "role", "type": "str", "default": "user"},
            {"name": "tier", "type": "int"},
            {"name": "beta", "type": "bool", "default": True},
        ],
    )
    assert short == structured and short["errors"] == []
    role, tier, beta = short["items"]
    assert (role["name"], role["py_type"], role["ts_type"], role["py_default"]) == (
        "role",
        "str",
        "string",
        '"user"',
    )
    assert (tier["type"], tier["has_default"], tier["better_auth_type"]) == ("int", False, "number")
    assert (beta["py_default"], beta["ts_default"]) == ("True", "true")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        (["sub: str"], "registered JWT claim"),
        (["email: str"], "Better Auth's own user fields"),
        (["class: str"], "reserved in Python"),
        (["amr: str"], "a claim or field of the template's own tokens"),
        (["orgId: str"], "a claim or field of the template's own tokens"),
        (["role: str", "Role: int"], "declared twice"),
        (["role: string"], 'unknown type "string"'),
        (["tier: int = many"], '"many" is not a whole number'),
        ("role", "must be a list"),
    ],
)
def test_a_bad_claim_is_refused_with_the_reason(claims: Any, message: str) -> None:
    result = parsed("parse_claims", claims)
    assert any(message in error for error in result["errors"]), result["errors"]


def test_endpoints_become_plain_data_with_owner_claims_and_body() -> None:
    claims = parsed("parse_claims", ["role: str = user"])["items"]
    result = parsed(
        "parse_endpoints",
        [
            "GET /api/{user_id}/tasks",
            "POST /api/{user_id}/tasks",
            "GET /api/admin/stats [role=admin]",
        ],
        claims,
    )
    assert result["errors"] == []
    tasks, create, stats = result["items"]
    assert (tasks["name"], tasks["owner"], tasks["has_body"]) == ("get_tasks", True, False)
    assert (tasks["ts_name"], tasks["ts_path_values"]) == ("getTasks", ["user_id: caller.userId"])
    assert (create["name"], create["has_body"]) == ("create_tasks", True)
    assert stats["requires"] == [
        {"claim": "role", "py_name": "role", "py_value": '"admin"', "shown": "role=admin"}
    ]
    assert stats["summary"] == "GET /api/admin/stats [role=admin]" and not stats["owner"]


def test_an_endpoint_may_require_a_confirmed_email_without_declaring_a_claim() -> None:
    result = parsed("parse_endpoints", ["GET /api/billing [email_verified=true]"], [])
    assert result["errors"] == []
    assert result["items"][0]["requires"] == [
        {
            "claim": "email_verified",
            "py_name": "email_verified",
            "py_value": "True",
            "shown": "email_verified=true",
        }
    ]


def test_an_endpoint_may_require_a_second_factor_beside_its_claims() -> None:
    claims = parsed("parse_claims", ["role: str = user"])["items"]
    short = ["POST /api/billing [mfa]", "GET /api/admin/audit [role=admin, mfa]"]
    structured = [
        {"method": "POST", "path": "/api/billing", "mfa": True},
        {"method": "GET", "path": "/api/admin/audit", "require": {"role": "admin"}, "mfa": True},
    ]
    for endpoints in (short, structured):
        result = parsed("parse_endpoints", endpoints, claims, True)
        assert result["errors"] == []
        billing, audit = result["items"]
        assert (billing["mfa"], billing["requires"]) == (True, [])
        assert billing["summary"] == "POST /api/billing [mfa]"
        assert audit["mfa"] and audit["requires"][0]["shown"] == "role=admin"
        assert audit["summary"] == "GET /api/admin/audit [role=admin, mfa]"
    plain = parsed("parse_endpoints", ["GET /api/me"], claims, True)["items"][0]
    assert plain["mfa"] is False


def test_a_second_factor_cannot_be_required_without_two_factor_or_passkeys() -> None:
    result = parsed("parse_endpoints", ["POST /api/billing [mfa]"], [], False)
    assert result["errors"] == [
        'endpoint "POST /api/billing [mfa]": [mfa] requires a second factor, which needs '
        "two_factor or passkeys: true (nobody could call it otherwise)"
    ]


def test_an_organization_path_admits_its_members_and_a_role_there_its_admins() -> None:
    result = parsed(
        "parse_endpoints",
        ["GET /api/orgs/{org_id}/projects", "POST /api/orgs/{org_id}/projects [org_role=admin]"],
        [],
        False,
        True,
    )
    assert result["errors"] == []
    projects, create = result["items"]
    assert (projects["member"], projects["owner"], projects["requires"]) == (True, False, [])
    assert projects["ts_path_values"] == ["org_id: caller.organizationId"]
    assert create["requires"] == [
        {
            "claim": "org_role",
            "py_name": "org_role",
            "py_value": '"admin"',
            "shown": "org_role=admin",
        }
    ]


@pytest.mark.parametrize(
    ("endpoints", "message"),
    [
        (["GET /api/orgs/{org_id}"], "{org_id} means a member of that organization, which needs"),
        (["GET /api/x [org_role=admin]"], "[org_role=...] is a role in the caller's organization"),
    ],
)
def test_organizations_cannot_be_required_without_them(endpoints: Any, message: str) -> None:
    result = parsed("parse_endpoints", endpoints, [], False, False)
    assert any(message in error for error in result["errors"]), result["errors"]


def test_a_path_names_a_user_or_an_organization_not_both() -> None:
    result = parsed("parse_endpoints", ["GET /api/{user_id}/orgs/{org_id}"], [], False, True)
    assert any("not both" in error for error in result["errors"]), result["errors"]


@pytest.mark.parametrize(
    ("endpoints", "message"),
    [
        (["GET /api/x [mfa=yes]"], 'requires claim "mfa", which is neither a declared'),
        (["GET /api/x [2fa]"], "or [mfa] for a second factor"),
        ([{"method": "GET", "path": "/x", "mfa": "yes"}], "mfa must be true or false"),
        (["FETCH /api/me"], '"FETCH" is not a supported method'),
        (["GET api/me"], "the path must start with /"),
        (["GET /api/me", "get /api/me"], "duplicates"),
        (["GET /api/x [plan=pro]"], 'requires claim "plan", which is neither a declared'),
        (["GET /api/x [email_verified=maybe]"], 'value of "email_verified" '),
        (["GET /health"], "used by the backend itself"),
        ([], "must be a non-empty list"),
    ],
)
def test_a_bad_endpoint_is_refused_with_the_reason(endpoints: Any, message: str) -> None:
    claims = parsed("parse_claims", ["role: str = user"])["items"]
    result = parsed("parse_endpoints", endpoints, claims)
    assert any(message in error for error in result["errors"]), result["errors"]
