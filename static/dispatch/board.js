// The day board: drag queued tickets and visit blocks onto technicians' lanes, and keep the
// board fresh when another dispatcher changes it. The server renders; this file only sends
// what was dropped and swaps in the HTML it gets back.
(function () {
  "use strict";
  const SNAP_MINUTES = 15;
  const POLL_MS = 5000;

  function csrf() {
    const match = document.cookie.match(/csrftoken=([^;]+)/);
    return match ? match[1] : "";
  }

  function board() { return document.getElementById("board"); }

  function swapBoard(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.querySelector("#board");
    if (fresh) {
      board().replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    }
  }

  async function post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf() },
      body: data,
      credentials: "same-origin",
    });
    swapBoard(await response.text());
    return response.ok;
  }

  function startFor(lane, clientX) {
    const el = board();
    const first = Number(el.dataset.startHour);
    const last = Number(el.dataset.endHour);
    const box = lane.getBoundingClientRect();
    const fraction = Math.min(Math.max((clientX - box.left) / box.width, 0), 1);
    let minutes = Math.round((fraction * (last - first) * 60) / SNAP_MINUTES) * SNAP_MINUTES;
    minutes += first * 60;
    const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
    const mm = String(minutes % 60).padStart(2, "0");
    return el.dataset.day + "T" + hh + ":" + mm;
  }

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest("[data-visit][draggable=true]");
    if (!item) return;
    event.dataTransfer.setData("text/plain", JSON.stringify({
      visit: item.dataset.visit, version: item.dataset.version,
    }));
    event.dataTransfer.effectAllowed = "move";
  });

  document.addEventListener("dragover", (event) => {
    if (event.target.closest(".lane[data-technician]")) event.preventDefault();
  });

  document.addEventListener("drop", (event) => {
    const lane = event.target.closest(".lane[data-technician]");
    if (!lane) return;
    event.preventDefault();
    const dragged = JSON.parse(event.dataTransfer.getData("text/plain") || "{}");
    if (!dragged.visit) return;
    const data = new FormData();
    data.append("visit", dragged.visit);
    data.append("version", dragged.version);
    data.append("technician", lane.dataset.technician);
    data.append("start", startFor(lane, event.clientX));
    post("/dispatch/assign/" + window.location.search, data);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-assign]");
    if (!form) return;
    event.preventDefault();
    post("/dispatch/assign/" + window.location.search, new FormData(form));
  });

  document.addEventListener("click", async (event) => {
    const unassign = event.target.closest("[data-unassign]");
    if (unassign) {
      await post("/dispatch/visits/" + unassign.dataset.unassign + "/unassign/", new FormData());
      return;
    }
    if (event.target.closest("[data-close-panel]")) {
      document.getElementById("panel").innerHTML = "";
      return;
    }
    const item = event.target.closest("#board [data-ticket]");
    if (!item) return;
    const response = await fetch("/dispatch/tickets/" + item.dataset.ticket + "/?day=" +
      board().dataset.day, { credentials: "same-origin" });
    const panel = document.getElementById("panel");
    panel.innerHTML = await response.text();
    if (window.htmx) window.htmx.process(panel);
  });

  async function refreshIfChanged() {
    if (document.hidden) return;
    const response = await fetch("/dispatch/board/version/", { credentials: "same-origin" });
    if (!response.ok) return;
    const { version } = await response.json();
    if (version === board().dataset.version) return;
    const params = new URLSearchParams(window.location.search);
    params.set("partial", "1");
    params.set("day", board().dataset.day);
    const fresh = await fetch("/dispatch/?" + params.toString(), { credentials: "same-origin" });
    if (fresh.ok) swapBoard(await fresh.text());
  }

  setInterval(refreshIfChanged, POLL_MS);
})();
