// The board's day on a map (templates/dispatch/_day_map.html): each technician's route as a
// line from home through their visits in planned order and back home, in their colour; the
// visits as markers showing priority and status; the queue as its own layer; a technician's
// last position, while fresh, as a dot in their colour. A marker carries
// data-ticket and data-visit like a block on the timeline, so board.js opens the same panel
// for it (click, Enter or Space). The board swapped after an assignment draws the map anew.
// Without tiles (no network) the background stays blank and routes and markers still draw.
(function () {
  "use strict";
  const QUEUED_COLOUR = "#555555";

  function label(visit) {
    const when = visit.start ? visit.start + (visit.end ? "–" + visit.end : "") : "";
    return [visit.number, "P" + visit.priority, visit.status_label, when,
      visit.customer + (visit.city ? ", " + visit.city : "")].filter(Boolean).join(" · ");
  }

  function markerFor(visit, colour, text, extra) {
    const face = document.createElement("span");
    face.textContent = text;
    const icon = L.divIcon({
      className: "day-map-marker p" + visit.priority + " status-" + visit.status + extra,
      html: face,
      iconSize: [28, 28],
      iconAnchor: [14, 14],
    });
    // The name starts with what the marker shows (its stop number, or a waiting visit's priority).
    const name = text + " · " + label(visit);
    const marker = L.marker(visit.at, { icon: icon, keyboard: true, title: name });
    marker.on("add", () => {
      const el = marker.getElement();
      el.dataset.ticket = visit.ticket;
      el.dataset.visit = visit.visit;
      el.dataset.status = visit.status;
      el.dataset.priority = visit.priority;
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", name);
      el.style.setProperty("--route-colour", colour);
    });
    return marker;
  }

  function setUp(box) {
    if (box.dataset.ready || typeof L === "undefined") return;
    const source = box.querySelector("script[type='application/json']");
    if (!source) return;
    box.dataset.ready = "1";
    const data = JSON.parse(source.textContent);
    const canvas = box.querySelector("[data-day-map-canvas]");
    const center = (box.dataset.center || "0,0").split(",").map(Number);
    const map = L.map(canvas, { keyboard: true }).setView(center, 11);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution })
        .addTo(map);
    }
    const byVisit = new Map(data.visits.map((v) => [v.visit, v]));
    const routes = L.featureGroup();
    const queued = L.featureGroup();
    const bounds = [];
    data.routes.forEach((route) => {
      const line = L.polyline(route.points, {
        color: route.colour, weight: 4, opacity: 0.85, className: "day-map-route",
      });
      line.on("add", () => {
        line.getElement().setAttribute("data-route-technician", route.technician);
      });
      routes.addLayer(line);
      routes.addLayer(L.circleMarker(route.start, {
        radius: 6, color: route.colour, fillColor: "#ffffff", fillOpacity: 1, weight: 3,
        interactive: false, className: "day-map-home",
      }));
      route.visits.forEach((id, index) => {
        const visit = byVisit.get(id);
        if (visit) routes.addLayer(markerFor(visit, route.colour, String(index + 1), ""));
      });
      route.points.forEach((p) => bounds.push(p));
      if (route.position) {
        // Where the technician's phone last was on the way to a visit (fresh ones only).
        const name = route.name + " · " + box.dataset.positionLabel + " " + route.position.recorded;
        const here = L.circleMarker(route.position.at, {
          radius: 8, color: "#ffffff", fillColor: route.colour, fillOpacity: 1, weight: 3,
          className: "day-map-position",
        });
        here.bindTooltip(name);
        here.on("add", () => {
          const el = here.getElement();
          el.setAttribute("data-position-technician", route.technician);
          el.setAttribute("role", "img");
          el.setAttribute("aria-label", name);
        });
        routes.addLayer(here);
        bounds.push(route.position.at);
      }
    });
    data.queued.forEach((visit) => {
      queued.addLayer(markerFor(visit, QUEUED_COLOUR, "P" + visit.priority, " queued"));
      bounds.push(visit.at);
    });
    routes.addTo(map);
    queued.addTo(map);
    const layers = {};
    layers[box.dataset.routesLabel] = routes;
    layers[box.dataset.queuedLabel] = queued;
    L.control.layers(null, layers, { collapsed: false }).addTo(map);
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    box.querySelectorAll(".swatch[data-colour]").forEach((swatch) => {
      swatch.style.setProperty("--route-colour", swatch.dataset.colour);
    });
    // Each technician's legend entry gets their day as a row of blocks on the board's hours.
    const [first, last] = data.hours || [7, 19];
    const minutes = (hhmm) => {
      const [h, m] = hhmm.split(":").map(Number);
      return h * 60 + m;
    };
    const share = (m) => Math.min(100, Math.max(0, (m - first * 60) / ((last - first) * 60) * 100));
    data.routes.forEach((route) => {
      const row = box.querySelector(
        'li[data-route-technician="' + route.technician + '"] [data-day-map-timeline]');
      if (!row) return;
      route.visits.forEach((id) => {
        const visit = byVisit.get(id);
        if (!visit || !visit.start) return;
        const block = document.createElement("span");
        const left = share(minutes(visit.start));
        const right = share(visit.end ? minutes(visit.end) : minutes(visit.start) + 60);
        block.className = "day-map-block status-" + visit.status;
        block.dataset.visit = visit.visit;
        block.style.setProperty("left", left + "%");
        block.style.setProperty("width", Math.max(1, right - left) + "%");
        row.append(block);
      });
    });
    // Hovering or focusing a technician in the legend, or hovering their route, highlights
    // the route and their row.
    function highlight(id, on) {
      canvas.querySelectorAll('path[data-route-technician="' + id + '"]').forEach((p) => {
        p.classList.toggle("highlighted", on);
      });
      box.querySelectorAll('li[data-route-technician="' + id + '"]').forEach((li) => {
        li.classList.toggle("highlighted", on);
      });
    }
    routes.eachLayer((layer) => {
      if (!(layer instanceof L.Polyline) || !layer.getElement()) return;
      const id = layer.getElement().getAttribute("data-route-technician");
      layer.on("mouseover", () => highlight(id, true));
      layer.on("mouseout", () => highlight(id, false));
    });
    box.querySelectorAll("li[data-route-technician]").forEach((item) => {
      const id = item.dataset.routeTechnician;
      ["mouseenter", "focus"].forEach((e) => item.addEventListener(e, () => highlight(id, true)));
      ["mouseleave", "blur"].forEach((e) => item.addEventListener(e, () => highlight(id, false)));
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-day-map]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("board:swapped", setUpAll);
})();
