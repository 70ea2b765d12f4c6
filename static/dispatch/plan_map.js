// The automatic plan's routes on a map (templates/dispatch/_plan_map.html): every
// technician's day now (dashed) and with the plan (solid), in their colour, as two layers the
// checkboxes show or hide; the visits as small dots. Hovering or focusing a technician in the
// legend, or hovering one of their lines, highlights both. The plan's body is swapped in by
// htmx once the plan is ready, so the map is drawn on htmx:afterSettle as well as on load.
// Without tiles (no network) the background stays blank and routes and dots still draw.
(function () {
  "use strict";

  function setUp(box) {
    if (box.dataset.ready || typeof L === "undefined") return;
    const source = box.querySelector("script[type='application/json']");
    if (!source) return;
    box.dataset.ready = "1";
    const data = JSON.parse(source.textContent);
    const canvas = box.querySelector("[data-plan-map-canvas]");
    const center = (box.dataset.center || "0,0").split(",").map(Number);
    const map = L.map(canvas, { keyboard: true }).setView(center, 11);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution })
        .addTo(map);
    }
    const bounds = [];
    const layers = {};
    ["before", "after"].forEach((which) => {
      const group = L.featureGroup();
      data[which].forEach((route) => {
        const line = L.polyline(route.points, {
          color: route.colour,
          weight: which === "after" ? 4 : 3,
          opacity: which === "after" ? 0.9 : 0.7,
          dashArray: which === "before" ? "6 6" : null,
          className: "plan-map-route",
        });
        line.on("add", () => {
          const el = line.getElement();
          el.setAttribute("data-route-technician", route.technician);
          el.setAttribute("data-layer", which);
        });
        line.on("mouseover", () => highlight(String(route.technician), true));
        line.on("mouseout", () => highlight(String(route.technician), false));
        group.addLayer(line);
        route.points.forEach((p) => bounds.push(p));
      });
      layers[which] = group.addTo(map);
    });
    const dots = L.featureGroup();
    data.visits.forEach((visit) => {
      const dot = L.circleMarker(visit.at, {
        radius: 5, color: "#333333", weight: 2, fillColor: "#ffffff", fillOpacity: 1,
        className: "plan-map-visit",
      });
      dot.bindTooltip(visit.number + " · P" + visit.priority + " · " + visit.customer);
      dot.on("add", () => dot.getElement().setAttribute("data-visit", visit.visit));
      dots.addLayer(dot);
      bounds.push(visit.at);
    });
    dots.addTo(map);
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });

    box.querySelectorAll("input[data-plan-layer]").forEach((box_) => {
      box_.addEventListener("change", () => {
        const group = layers[box_.dataset.planLayer];
        if (box_.checked) group.addTo(map);
        else group.remove();
      });
    });
    box.querySelectorAll(".swatch[data-colour]").forEach((swatch) => {
      swatch.style.setProperty("--route-colour", swatch.dataset.colour);
    });

    function highlight(id, on) {
      canvas.querySelectorAll('path[data-route-technician="' + id + '"]').forEach((p) => {
        p.classList.toggle("highlighted", on);
      });
      box.querySelectorAll('li[data-route-technician="' + id + '"]').forEach((li) => {
        li.classList.toggle("highlighted", on);
      });
    }
    box.querySelectorAll("li[data-route-technician]").forEach((item) => {
      const id = item.dataset.routeTechnician;
      ["mouseenter", "focus"].forEach((e) => item.addEventListener(e, () => highlight(id, true)));
      ["mouseleave", "blur"].forEach((e) => item.addEventListener(e, () => highlight(id, false)));
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-plan-map]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
