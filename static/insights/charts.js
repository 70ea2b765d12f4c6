/* Draws the managers' charts with Chart.js from the figures the server aggregated (the page's
   json_script "insights-charts"); the table beside each chart holds the same numbers. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("insights-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || spec.labels.length === 0) {
        canvas.closest(".chart").hidden = true;
        return;
      }
      var scales = {};
      if (spec.stacked) {
        scales = { x: { stacked: true }, y: { stacked: true } };
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (s) {
            return { label: s.label, data: s.data, spanGaps: true };
          }),
        },
        options: {
          indexAxis: spec.horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          scales: scales,
        },
      });
      canvas.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
