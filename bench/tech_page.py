"""Benchmark: how many bytes the technician's today page costs on a phone.

First load = the HTML plus every stylesheet and script it references; cached = the HTML alone
(the service worker and the browser cache keep the static files). Measured on the demo data for
the busiest demo technician, uncompressed (gzip on the wire makes both smaller).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from technicians.models import Technician  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    tech = Technician.objects.annotate(n=Count("visits")).order_by("-n").first()
    client = Client()
    client.force_login(tech.user)
    page = client.get("/tech/")
    assert page.status_code == 200, page.status_code
    html = len(page.content)
    shown = page.text.count("/tech/visits/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    sizes = {url: len(b"".join(client.get(url).streaming_content)) for url in assets}
    first = html + sum(sizes.values())
    print(
        f"technician {tech}: {tech.n} visits this week, {shown} on today's page "
        f"(today and tomorrow)"
    )
    for url, size in sizes.items():
        print(f"  {url}: {size / 1024:.1f} KB")
    print(
        f"first load: {first / 1024:.1f} KB (target < 150 KB); "
        f"cached: {html / 1024:.1f} KB (target < 20 KB)"
    )


if __name__ == "__main__":
    main()
