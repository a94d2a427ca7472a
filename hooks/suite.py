"""The template's whole test suite, as CI runs it: three pytest runs, cheapest first, then where
the time went (the slowest tests of all three, and each phase's time)."""

import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from .matrix import TEMPLATE_ROOT


@dataclass(frozen=True)
class Phase:
    name: str
    pytest_args: tuple[str, ...]


# The fast tier fails a broken change within a minute; installs and builds share the machine;
# what times servers or clocks runs alone (two workers on 2 cores made such tests fail).
PHASES = (
    Phase("fast tier", ("-m", "not slow", "-n", "2")),
    Phase("slow, two at a time", ("-m", "slow and not serial", "-n", "2")),
    Phase("serial, alone", ("-m", "serial")),
)
# pytest's exit code when a phase selects no test (a -k that matches none of it).
NO_TESTS_COLLECTED = 5


@dataclass(frozen=True)
class Outcome:
    phase: Phase
    exit_code: int
    seconds: float
    tests: list[tuple[str, float]]  # (test id, seconds: setup, call and teardown)

    @property
    def passed(self) -> bool:
        return self.exit_code in {0, NO_TESTS_COLLECTED}


def run_phase(phase: Phase, extra_args: list[str], results: Path) -> Outcome:
    report = results / f"{phase.name.split(',')[0].replace(' ', '-')}.xml"
    command = [sys.executable, "-m", "pytest", *phase.pytest_args, f"--junitxml={report}"]
    print(f"\n=== {phase.name}: {shlex.join(['pytest', *phase.pytest_args])}", flush=True)
    started = time.monotonic()
    exit_code = subprocess.run([*command, *extra_args], cwd=TEMPLATE_ROOT).returncode
    seconds = time.monotonic() - started
    return Outcome(phase, exit_code, seconds, timed_tests(report))


def timed_tests(report: Path) -> list[tuple[str, float]]:
    if not report.exists():
        return []
    cases = ElementTree.parse(report).getroot().iter("testcase")
    return [
        (f"{case.get('classname')}::{case.get('name')}", float(case.get("time", 0)))
        for case in cases
    ]


def summary(outcomes: list[Outcome], slowest: int = 25) -> str:
    tests = sorted(
        (test for outcome in outcomes for test in outcome.tests), key=lambda t: t[1], reverse=True
    )
    lines = [f"\n=== the {slowest} slowest tests of all phases (setup, call and teardown)"]
    lines += [f"{seconds:8.1f} s  {test_id}" for test_id, seconds in tests[:slowest]]
    lines.append("\n=== phases")
    for outcome in outcomes:
        verdict = "passed" if outcome.passed else f"FAILED (pytest exit code {outcome.exit_code})"
        lines.append(
            f"{outcome.seconds:8.1f} s  {outcome.phase.name}: {len(outcome.tests)} tests, {verdict}"
        )
    total = sum(outcome.seconds for outcome in outcomes)
    count = sum(len(outcome.tests) for outcome in outcomes)
    lines.append(f"{total:8.1f} s  total: {count} tests ({total / 60:.1f} minutes)")
    return "\n".join(lines)


def run_all(extra_args: list[str], stop_at_failure: bool) -> bool:
    """Run the phases in order; print the summary; whether every phase passed."""
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="template-tests-") as results:
        for phase in PHASES:
            outcomes.append(run_phase(phase, extra_args, Path(results)))
            if stop_at_failure and not outcomes[-1].passed:
                break
    print(summary(outcomes), flush=True)
    return len(outcomes) == len(PHASES) and all(outcome.passed for outcome in outcomes)
