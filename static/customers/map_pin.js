// The map that places an address's pin (templates/customers/_map_pin.html): a Leaflet marker
// that can be dragged, placed by a click or moved with the arrow keys, writing the latitude and
// longitude inputs beside it; typing in them moves it. Without tiles (no network) the map stays
// grey and the marker and inputs still work.
(function () {
  "use strict";
  const STEP_PX = 10; // one arrow key press, in screen pixels (Shift: five times as far)
  const PLACED_ZOOM = 16;
  const EMPTY_ZOOM = 6;

  function number(text) {
    const value = parseFloat(String(text).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }

  function setUp(box) {
    if (box.dataset.ready || typeof L === "undefined") return;
    box.dataset.ready = "1";
    const lat = box.querySelector("[data-map-latitude]");
    const lon = box.querySelector("[data-map-longitude]");
    const canvas = box.querySelector("[data-map-canvas]");
    const center = (box.dataset.center || "0,0").split(",").map(Number);
    const given = () => {
      const a = number(lat.value);
      const b = number(lon.value);
      return a === null || b === null ? null : L.latLng(a, b);
    };
    const start = given();
    const map = L.map(canvas, { keyboard: true }).setView(
      start || center,
      start ? PLACED_ZOOM : EMPTY_ZOOM,
    );
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, {
        maxZoom: 19,
        attribution: box.dataset.attribution,
      }).addTo(map);
    }
    const marker = L.marker(start || center, {
      draggable: true,
      keyboard: true,
      title: box.dataset.pinLabel,
      alt: box.dataset.pinLabel,
      opacity: start ? 1 : 0.5,
    }).addTo(map);

    function write(point) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      marker.setOpacity(1);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }

    marker.on("dragend", () => write(marker.getLatLng()));
    map.on("click", (event) => {
      marker.setLatLng(event.latlng);
      write(event.latlng);
    });
    const pin = marker.getElement();
    pin.setAttribute("data-map-marker", "");
    pin.addEventListener("keydown", (event) => {
      const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      event.stopPropagation(); // the map would pan instead
      const step = event.shiftKey ? STEP_PX * 5 : STEP_PX;
      const at = map.latLngToContainerPoint(marker.getLatLng());
      const point = map.containerPointToLatLng(L.point(at.x + move[0] * step, at.y + move[1] * step));
      marker.setLatLng(point);
      write(point);
    });
    [lat, lon].forEach((input) =>
      input.addEventListener("input", () => {
        const point = given();
        if (point === null || Math.abs(point.lat) > 90 || Math.abs(point.lng) > 180) return;
        marker.setLatLng(point).setOpacity(1);
        map.panTo(point);
      }),
    );
    const clear = box.querySelector("[data-map-clear]");
    if (clear) {
      clear.addEventListener("click", () => {
        lat.value = "";
        lon.value = "";
        marker.setOpacity(0.5);
      });
    }
    // A map drawn inside a closed <details> has no size: measure again once it opens.
    const details = box.closest("details");
    if (details) details.addEventListener("toggle", () => map.invalidateSize());
    // "Use my location" elsewhere on the page fills the inputs: follow them.
    box.addEventListener("map:moved", () => {
      const point = given();
      if (point) {
        marker.setLatLng(point).setOpacity(1);
        map.setView(point, PLACED_ZOOM);
      }
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-map-pin]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  document.addEventListener("htmx:load", (event) => setUpAll(event.detail.elt));
})();
