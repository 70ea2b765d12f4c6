"""The map pin in the desk's new-address form: moved by keyboard and by dragging on a map
whose tiles cannot load here, it writes the coordinates the site is saved with."""

from __future__ import annotations

from playwright.sync_api import expect

from customers.models import Site
from tests.factories import ApplianceFactory


def test_the_pin_moved_by_keys_and_dragged_places_the_new_address(
    page, live_server, login, dispatcher
):
    appliance = ApplianceFactory(site__customer__name="Giulia Bianchi", serial_number="SN-78")
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")
    page.fill("input[name=q]", "SN-78")
    page.locator(f'input[data-appliance="{appliance.pk}"]').check()
    page.get_by_text("A new address for the found customer").click()
    form = page.locator("#add-site")
    form.locator("input[name=address]").fill("Via Appia 9")
    form.locator("input[name=city]").fill("Roma")
    latitude = form.locator("input[name=latitude]")
    longitude = form.locator("input[name=longitude]")
    marker = form.locator("[data-map-marker]")
    expect(marker).to_be_visible()
    expect(latitude).to_have_value("")

    # Typed coordinates move the pin; arrow keys on the focused pin move it on from there.
    latitude.fill("41.85")
    longitude.fill("12.52")
    marker.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    keyed = (float(latitude.input_value()), float(longitude.input_value()))
    assert keyed[0] > 41.85
    assert keyed[1] > 12.52

    # Dragged 40 px to the left and down: west and south of where the keys left it.
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 20, y + 20, steps=4)
    page.mouse.move(x - 40, y + 40, steps=4)
    page.mouse.up()
    dragged = (float(latitude.input_value()), float(longitude.input_value()))
    assert dragged[0] < keyed[0]
    assert dragged[1] < keyed[1]

    with page.expect_response(lambda r: "/dispatch/intake/sites/" in r.url) as answer:
        form.get_by_role("button", name="Add address").click()

    assert answer.value.status == 200
    site = Site.objects.get(address="Via Appia 9")
    assert site.placement == Site.Placement.PINNED
    assert (round(site.latitude, 6), round(site.longitude, 6)) == dragged
