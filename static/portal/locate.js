// Sign-up: fill the address's coordinates from the phone's location, on request.
(function () {
  "use strict";
  const button = document.getElementById("locate");
  if (!button) return;
  const status = document.getElementById("locate-status");
  button.addEventListener("click", () => {
    if (!navigator.geolocation) {
      status.textContent = button.dataset.denied;
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        const map = document.querySelector("[data-map-pin]");
        if (map) map.dispatchEvent(new Event("map:moved"));
        status.textContent = "✓";
      },
      () => { status.textContent = button.dataset.denied; },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
})();
