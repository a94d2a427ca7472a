"""The generated project's GitHub configuration is valid: its CI workflow and Dependabot's file.

GitHub cannot run here, so each file is checked against GitHub's published schema
(check-jsonschema's copies of SchemaStore's) and the workflow by zizmor, offline; the paths they
name are checked against the rendered project. The commands the workflow runs are the ones
test_e2e runs (npm run setup, npm test).
"""

from typing import Any

import pytest
import yaml

from .conftest import TOOLS_BIN, Renders, run

SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "environment-postgres": {"secret_location": "environment", "database": "postgres"},
    "secrets-dir-shared-secret": {"secret_location": "secrets_dir", "token_mode": "shared_secret"},
    "other-folders": {"frontend_dir": "web", "backend_dir": "api"},
}


@pytest.mark.parametrize("name", SETS)
def test_ci_workflow_and_dependabot_are_valid_and_name_real_paths(
    render: Renders, name: str
) -> None:
    answers = SETS[name]
    project = render(answers)
    workflow = project / ".github/workflows/ci.yml"
    dependabot = project / ".github/dependabot.yml"
    for schema, file in [("github-workflows", workflow), ("dependabot", dependabot)]:
        checked = run(
            [
                str(TOOLS_BIN / "check-jsonschema"),
                "--builtin-schema",
                f"vendor.{schema}",
                str(file),
            ],
            project,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    audit = run([str(TOOLS_BIN / "zizmor"), "--offline", "--no-progress", str(workflow)], project)
    assert audit.returncode == 0 and "No findings" in audit.stdout, audit.stdout + audit.stderr

    job = yaml.safe_load(workflow.read_text())["jobs"]["test"]
    steps = [step.get("run", "") for step in job["steps"]]
    assert steps[-2:] == ["npm run setup", "npm test"]
    for step in job["steps"]:
        if "uses" in step:
            action, pin = step["uses"].split("@")
            assert len(pin) == 40, f"{action} is not pinned to a commit"
    node_version = next(
        s["with"]["node-version-file"] for s in job["steps"] if "node" in s.get("uses", "")
    )
    assert (project / node_version).is_file()
    assert ("services" in job) == (answers.get("database") == "postgres")

    updates = yaml.safe_load(dependabot.read_text())["updates"]
    manifests = {
        "npm": "package.json",
        "uv": "uv.lock",
        "pip": "requirements-uv.txt",
        "github-actions": ".github/workflows",
        "docker": "Dockerfile",
        "docker-compose": "compose.yaml",
    }
    for update in updates:
        assert update["cooldown"]["default-days"] >= 7 and update["groups"]
        for folder in update.get("directories", [update.get("directory")]):
            manifest = project / folder.lstrip("/") / manifests[update["package-ecosystem"]]
            assert manifest.exists(), f"{update['package-ecosystem']}: {manifest} is missing"
    # compose.yaml is made for PostgreSQL projects only (README, Containers).
    expected = set(manifests) - (
        {"docker-compose"} if answers.get("database") != "postgres" else set()
    )
    assert {update["package-ecosystem"] for update in updates} == expected
