"""Answer sets that cover every choice in copier.yml, plus odd claims, endpoints and folders.

The template's tests render each set and run the rendered project's own tests on it.
"""

from pathlib import Path
from typing import Any

import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent

# Answers that exercise the free-form questions beyond their defaults.
ODD_SETS: dict[str, dict[str, Any]] = {
    "every-claim-type": {
        "token_mode": "shared_secret",
        "custom_claims": [
            "role: str = user",
            "tier: int = 0",
            "score: float = 1.5",
            "verified: bool = false",
            "groups: list[str] = [staff, beta]",
        ],
        "protected_endpoints": [
            "GET /api/me",
            "GET /api/{user_id}/tasks/{task_id}",
            "DELETE /api/{user_id}/tasks/{task_id}",
            "PUT /api/{user_id}/profile",
            "GET /api/admin/stats [role=admin, tier=3]",
            "GET /api/beta [groups=beta]",
            "PATCH /api/verified [verified=true]",
            {
                "method": "GET",
                "path": "/api/score",
                "require": {"score": 2.5},
                "name": "read_score",
            },
        ],
    },
    "structured-answers": {
        "custom_claims": [
            {"name": "teamId", "type": "str"},
            {"name": "plan", "type": "str", "default": "free"},
        ],
        "protected_endpoints": [
            {"method": "get", "path": "/v1/profile"},
            {"method": "POST", "path": "/v1/orgs/{org_id}/invites", "require": {"plan": "pro"}},
        ],
    },
    "no-claims-other-folders": {
        "project_name": "Acme Portal",
        "frontend_dir": "web",
        "backend_dir": "api",
        "frontend_url": "https://portal.example.com",
        "backend_url": "https://api.example.com:8443",
        "token_ttl": "1h",
        "custom_claims": [],
        "protected_endpoints": ["GET /me", "POST /{user_id}/notes"],
    },
}


def load_questions(template_root: Path = TEMPLATE_ROOT) -> dict[str, Any]:
    config = yaml.safe_load((template_root / "copier.yml").read_text())
    return {name: spec for name, spec in config.items() if not name.startswith("_")}


def choice_values(spec: dict[str, Any]) -> list[Any]:
    choices = spec.get("choices") or []
    return list(choices.values()) if isinstance(choices, dict) else list(choices)


def answer_sets(template_root: Path = TEMPLATE_ROOT) -> dict[str, dict[str, Any]]:
    """One set per value of every multiple-choice question, one with every yes-or-no question
    flipped, then the odd sets.

    Values that only apply in one mode (jwt_algorithm in jwks mode, secrets_dir with the
    secrets_dir location) get the answers that make them asked.
    """
    sets: dict[str, dict[str, Any]] = {"defaults": {}}
    for name, spec in load_questions(template_root).items():
        if spec.get("multiselect"):  # every choice at once (none is the default)
            sets[f"{name}=all"] = {name: choice_values(spec)}
            continue
        if spec.get("type") == "bool":  # every yes-or-no question flipped at once, below
            continue
        for value in choice_values(spec):
            if spec.get("default") == value:
                continue
            answers: dict[str, Any] = {name: value}
            if name == "secret_location":
                answers["token_mode"] = "shared_secret"  # the backend then holds a secret too
            if name == "session_store":
                answers["database"] = "postgres"  # Redis is asked only in front of PostgreSQL
            sets[f"{name}={value}"] = answers
    flipped = {
        name: not spec["default"]
        for name, spec in load_questions(template_root).items()
        if spec.get("type") == "bool"
    }
    if flipped:
        sets["every-bool-flipped"] = flipped
    return {**sets, **ODD_SETS}
