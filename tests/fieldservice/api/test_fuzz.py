"""schemathesis against the live schema on the test server, as a dispatcher and as a customer:
valid and invalid requests for every operation; no 5xx, and every answer (refusals and
conflicts included) conforms to the schema. The cases run are counted in
test-artifacts/schemathesis.txt."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from fieldservice.models import ApiToken
from tests.helpers import build_world

ARTIFACT = Path(__file__).resolve().parents[3] / "test-artifacts" / "schemathesis.txt"
EXAMPLES_PER_OPERATION = 20
# What the issue asks: no 5xx, and status, content type, headers and body as documented. Not
# negative_data_rejection: like most APIs, ours reads an empty filter (`?status=`) as "any".
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(live_server, role: str, next_monday) -> tuple[int, int, list[str]]:
    """Run every operation of the live schema; return (operations, cases, failures)."""
    world = build_world(next_monday)
    _token, key = ApiToken.issue(user=world.users[role], name="fuzz")
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations, cases, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )

        @FUZZ
        @given(case=strategy)
        def run(case):
            nonlocal cases
            cases += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - every operation's failure is reported together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    return operations, cases, failures


def _record(role: str, operations: int, cases: int) -> None:
    ARTIFACT.parent.mkdir(exist_ok=True)
    # The two roles may finish at once on two pytest-xdist workers: one rewrite at a time, each
    # reading what the other wrote.
    with open(ARTIFACT, "a+") as artifact:
        fcntl.flock(artifact, fcntl.LOCK_EX)
        artifact.seek(0)
        lines = artifact.read().splitlines()
        lines = [line for line in lines if line.split(":")[0] in ("dispatcher", "customer")]
        lines = [line for line in lines if not line.startswith(f"{role}:")]
        lines.append(f"{role}: {cases} cases over {operations} operations")
        total = sum(int(line.split()[1]) for line in lines)
        artifact.seek(0)
        artifact.truncate()
        artifact.write("\n".join([*sorted(lines), f"total: {total} cases"]) + "\n")


@pytest.mark.parametrize("role", ["dispatcher", "customer"])
def test_api_answers_conform_to_its_schema(live_server, transactional_db, next_monday, role):
    operations, cases, failures = _fuzz(live_server, role, next_monday)

    _record(role, operations, cases)
    assert operations >= 30
    assert cases >= operations * 10
    assert not failures, "\n\n".join(failures)
