"""What an installer checks before handing a new appliance over: the commissioning checklist
of each appliance category. Every category shares the common items; some add their own. The
keys are what the phone sends and what a visit's commissioning record keeps."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from customers.models import ApplianceModel

Category = ApplianceModel.Category


@dataclass(frozen=True)
class Item:
    key: str
    label: str | Promise


CONNECTED = Item("connected", _("Connected (power, water, drain or network as it needs)"))
TESTED = Item("tested", _("Tested: a full cycle or test run without faults"))
OLD_REMOVED = Item("old_removed", _("Old unit removed, or none to remove"))
SHOWN_HOW = Item("shown_how", _("Customer shown how to use it"))

COMMON = (CONNECTED, TESTED, OLD_REMOVED, SHOWN_HOW)
EXTRA: dict[str, tuple[Item, ...]] = {
    Category.WASHING_MACHINE: (
        Item("bolts_removed", _("Transport bolts removed")),
        Item("levelled", _("Levelled on its feet")),
    ),
    Category.DISHWASHER: (Item("leak_checked", _("Water connections checked for leaks")),),
    Category.REFRIGERATOR: (
        Item("levelled", _("Levelled on its feet")),
        Item("settled", _("Left to settle before it was switched on")),
    ),
    Category.HVAC: (
        Item("pressure_checked", _("Refrigerant pressure and drainage checked")),
        Item("gas_record", _("Gas record (F-gas) filled in")),
    ),
    Category.PRINTER: (Item("test_page", _("Test page printed")),),
    Category.PC: (Item("data_moved", _("Data moved, or none to move")),),
    Category.NETWORK: (Item("link_tested", _("Connection tested end to end")),),
}


def checklist(category: str) -> tuple[Item, ...]:
    """The items an installation of an appliance of `category` needs ticked, in order."""
    return COMMON + EXTRA.get(category, ())
