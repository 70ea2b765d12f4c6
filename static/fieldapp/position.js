// Sharing the technician's position while on the way to a visit (templates/fieldapp/
// _position.html). Asked once on this phone: the answer is kept in localStorage and can be
// withdrawn with "Stop sharing". While the visit is en route (as the server says, or as a
// step queued offline says: outbox.js tells through "outbox:status") and inside the shift,
// navigator.geolocation.watchPosition runs; a reading goes to the outbox as a "position" action
// when a minute has passed or the phone moved 200 m since the last one. "On site", done, a
// withdrawn consent or the end of the shift stops the watch.
(function () {
  "use strict";
  const CONSENT = "fieldservice-position-consent";
  const EVERY_MS = 60 * 1000;
  const EVERY_M = 200;
  const AT_MOST_MS = 15 * 1000;
  const box = document.querySelector("[data-position]");
  if (!box || !("geolocation" in navigator)) return;
  const texts = box.querySelector("[data-position-sharing-text]").dataset;
  const state = box.querySelector("[data-position-state]");
  const ask = box.querySelector("[data-position-ask]");
  const allow = box.querySelector("[data-position-allow]");
  const refuse = box.querySelector("[data-position-refuse]");
  const stop = box.querySelector("[data-position-stop]");
  const steps = document.querySelector("[data-steps]");
  let status = steps ? steps.dataset.status : "";
  let watch = null;
  let last = null;

  const consent = () => {
    try { return window.localStorage.getItem(CONSENT) || ""; } catch (e) { return ""; }
  };
  const remember = (answer) => {
    try { window.localStorage.setItem(CONSENT, answer); } catch (e) { /* private mode */ }
  };

  function inShift(now) {
    const start = Date.parse(box.dataset.shiftStart || "");
    const end = Date.parse(box.dataset.shiftEnd || "");
    return !Number.isNaN(start) && !Number.isNaN(end) && now >= start && now < end;
  }

  function metres(a, b) {
    const rad = Math.PI / 180;
    const h = Math.sin((b.latitude - a.latitude) * rad / 2) ** 2 +
      Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) *
      Math.sin((b.longitude - a.longitude) * rad / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function onReading(reading) {
    const now = Date.now();
    if (!inShift(now)) { halt(texts.positionHoursText); return; }
    const here = reading.coords;
    if (last) {
      const waited = now - last.at;
      const moved = metres(last.coords, here);
      if (waited < AT_MOST_MS || (waited < EVERY_MS && moved < EVERY_M)) return;
    }
    last = { at: now, coords: { latitude: here.latitude, longitude: here.longitude } };
    if (!window.fieldserviceOutbox) return;
    window.fieldserviceOutbox.queuePosition({
      visit: Number(box.dataset.visit),
      latitude: here.latitude,
      longitude: here.longitude,
      accuracy: Number.isFinite(here.accuracy) ? here.accuracy : null,
      recorded_at: new Date(reading.timestamp || now).toISOString(),
    }).catch(() => {});
  }

  function onError(error) {
    if (error.code === error.PERMISSION_DENIED) halt(texts.positionDeniedText);
  }

  function halt(message) {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    last = null;
    if (message !== undefined) state.textContent = message;
  }

  function render() {
    const answer = consent();
    const enRoute = status === "en_route";
    box.hidden = !(enRoute || answer === "yes");
    ask.hidden = answer !== "";
    allow.hidden = answer === "yes";
    refuse.hidden = answer !== "";
    stop.hidden = answer !== "yes";
    if (answer === "yes" && enRoute && inShift(Date.now())) {
      if (watch === null) {
        watch = navigator.geolocation.watchPosition(onReading, onError, {
          enableHighAccuracy: true, maximumAge: 0, timeout: 60000,
        });
      }
      state.textContent = texts.positionSharingText;
    } else {
      halt();
      state.textContent = answer === "no" ? texts.positionOffText
        : answer === "yes" && enRoute ? texts.positionHoursText : "";
    }
  }

  allow.addEventListener("click", () => { remember("yes"); render(); });
  refuse.addEventListener("click", () => { remember("no"); render(); });
  stop.addEventListener("click", () => { remember("no"); render(); });
  document.addEventListener("outbox:status", (event) => {
    if (String(event.detail.visit) !== box.dataset.visit) return;
    status = event.detail.status;
    render();
  });
  render();
})();
