"""Stock for the demo: a central warehouse and a workshop shelf, a van for each technician (the
first VANS of them) restocked from the warehouse, the catalog's parts received into the
warehouse and loaded into the vans, reorder points, a supplier with an order on its way, and a
ticket waiting for a part it brings. Written through inventory.services, as the office would;
a second run adds nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from catalog.models import Part
from inventory import services
from inventory.models import ReorderPoint, StockLocation, StockMove, Supplier
from technicians.models import Technician
from tickets.models import Ticket

WAREHOUSE = "Central warehouse (Rome)"
VAN_PARTS = 8  # the catalog's first parts in every van
VANS = 200  # vans for the first technicians: a large --scale keeps its seeding time


@transaction.atomic
def seed_stock(*, today: datetime.date | None = None) -> int:
    """Returns the vans set up (0 when the demo has its stock already)."""
    today = today or timezone.localdate()
    if StockLocation.objects.filter(name=WAREHOUSE).exists():
        return 0
    parts = list(Part.objects.order_by("sku"))
    if not parts:
        return 0
    central = StockLocation.objects.create(name=WAREHOUSE, kind=StockLocation.Kind.WAREHOUSE)
    shelf = StockLocation.objects.create(
        name="Workshop shelf", kind=StockLocation.Kind.WAREHOUSE, is_workshop=True
    )
    drivers = list(
        Technician.objects.filter(active=True).select_related("user").order_by("pk")[:VANS]
    )
    # Enough for every van's four and the workshop's ten, and some left (200 up to 37 vans).
    opening = max(200, 4 * len(drivers) + 50)
    for part in parts:
        services.move_stock(
            kind=StockMove.Kind.RECEIPT,
            part=part,
            quantity=opening,
            key=f"demo:opening:{part.pk}",
            by=None,
            to_location=central,
            reason="Opening stock",
        )
        ReorderPoint.objects.create(part=part, location=central, minimum=40, target=200)
    for part in parts[:VAN_PARTS]:
        # What the bench fits on repair orders (depot.services.use_part).
        services.move_stock(
            kind=StockMove.Kind.TRANSFER,
            part=part,
            quantity=10,
            key=f"demo:workshop:{part.pk}",
            by=None,
            from_location=central,
            to_location=shelf,
        )
    vans = 0
    for technician in drivers:
        van = StockLocation.objects.create(
            name=f"Van {technician.user.get_full_name() or technician.user.username}",
            kind=StockLocation.Kind.VAN,
            technician=technician,
            restocked_from=central,
        )
        for n, part in enumerate(parts[:VAN_PARTS]):
            # One van in three is short of its second part: tonight's restock list has lines.
            loaded = 1 if n == 1 and vans % 3 == 0 else 4
            services.move_stock(
                kind=StockMove.Kind.TRANSFER,
                part=part,
                quantity=loaded,
                key=f"demo:load:{van.pk}:{part.pk}",
                by=None,
                from_location=central,
                to_location=van,
            )
            ReorderPoint.objects.create(part=part, location=van, minimum=2, target=4)
        vans += 1
    supplier = Supplier.objects.create(name="Ricambi Roma Srl", email="ordini@ricambi.example")
    rare = parts[-1]
    services.order_parts(
        supplier=supplier,
        warehouse=central,
        lines=[(rare, 10)],
        expected_on=today + datetime.timedelta(days=3),
        by=None,
    )
    waiting = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).order_by("pk").first()
    if waiting is not None:
        # More than the warehouse holds: the ticket waits for the order on its way.
        services.reserve_part(ticket=waiting, part=rare, location=central, quantity=205)
    return vans
