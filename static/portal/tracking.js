// The customer's tracking map (templates/portal/_tracking.html): their address and, when the
// technician's phone sent a fresh position on the way here, where the technician roughly is,
// with the arrival time. Polls the ticket's tracking URL every 30 s while the visit is en
// route; once it no longer is, the page reloads to show the visit's new step. Without tiles
// (no network) the background stays blank and the markers still draw.
(function () {
  "use strict";
  const EVERY_MS = 30 * 1000;
  const box = document.querySelector("[data-tracking]");
  if (!box || typeof L === "undefined") return;
  const canvas = box.querySelector("[data-tracking-canvas]");
  const eta = box.querySelector("[data-tracking-eta]");
  const none = box.querySelector("[data-tracking-no-position]");
  const center = (box.dataset.center || "0,0").split(",").map(Number);
  const map = L.map(canvas, { keyboard: true, scrollWheelZoom: false }).setView(center, 12);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution })
      .addTo(map);
  }
  let site = null;
  let technician = null;

  function dot(at, className, label) {
    const marker = L.circleMarker(at, {
      radius: 9, weight: 3, fillOpacity: 0.9, className: className, interactive: false,
    });
    marker.on("add", () => {
      const el = marker.getElement();
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", label);
      el.setAttribute("data-testid", className);
    });
    return marker.addTo(map);
  }

  function draw(data) {
    if (!data.en_route) {
      window.location.reload();
      return;
    }
    eta.textContent = data.eta_text || "";
    none.hidden = Boolean(data.position);
    if (data.site && !site) site = dot(data.site, "tracking-site", box.dataset.siteLabel);
    if (data.position) {
      if (!technician) {
        technician = dot(data.position, "tracking-technician", box.dataset.technicianLabel);
      } else {
        technician.setLatLng(data.position);
      }
      technician.getElement().dataset.position = data.position.join(",");
    } else if (technician) {
      technician.remove();
      technician = null;
    }
    const points = [data.site, data.position].filter(Boolean);
    if (points.length) map.fitBounds(points, { padding: [32, 32], maxZoom: 15 });
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.url, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (response.ok) draw(await response.json());
    } catch (error) {
      // Offline: the map keeps what it last showed and tries again at the next turn.
    }
  }

  draw(JSON.parse(box.querySelector("#tracking-data").textContent));
  window.setInterval(poll, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });
})();
