"""The people the production-shape smoke test signs in as, written into the stack's database.

Run by tests/integration/test_serve.py as `python -m tests.integration.stack_world` with the
stack's DATABASE_URL, once `bin/serve` has migrated it; prints their ids as JSON."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django

django.setup()

from tests.factories import (  # noqa: E402
    ApplianceFactory,
    CustomerFactory,
    TechnicianFactory,
    UserFactory,
)

PASSWORD = "pw-secret-123"  # UserFactory's


def main() -> None:
    TechnicianFactory(user__username="smoke-tech", user__first_name="Marco")
    customer_user = UserFactory(username="smoke-customer", role="customer")
    customer = CustomerFactory(user=customer_user, email="smoke-customer@example.com")
    appliance = ApplianceFactory(site__customer=customer)
    UserFactory(username="smoke-dispatcher", role="dispatcher")
    UserFactory(username="smoke-locked", role="dispatcher")
    sys.stdout.write(json.dumps({"appliance": appliance.pk, "password": PASSWORD}) + "\n")


if __name__ == "__main__":
    main()
