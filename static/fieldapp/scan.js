// Barcodes and QR codes read through the phone's camera (ZXing's browser build, vendored from
// the npm registry): a button marked data-scan="ID" fills the input of that id with what the
// camera reads, then tells the page as if it was typed (the part search looks it up). Without
// a camera, or without permission, the button stays hidden or says so: typing always works.
(function () {
  "use strict";
  const buttons = document.querySelectorAll("[data-scan]");
  const dialog = document.getElementById("scanner");
  const camera = navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!buttons.length || !dialog || !window.ZXingBrowser || !camera) return;
  const video = dialog.querySelector("video");
  const status = dialog.querySelector("[data-scan-status]");
  let controls = null;

  function stop() {
    if (controls) controls.stop();
    controls = null;
    if (dialog.open) dialog.close();
  }

  async function scan(input) {
    status.textContent = gettext("Point the camera at the barcode or QR code.");
    dialog.showModal();
    const reader = new window.ZXingBrowser.BrowserMultiFormatReader();
    try {
      controls = await reader.decodeFromConstraints(
        { video: { facingMode: "environment" } }, video, (result) => {
          if (!result) return; // nothing readable in this frame yet
          input.value = result.getText().trim();
          stop();
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new Event("search", { bubbles: true }));
          input.focus();
        });
    } catch (error) {
      controls = null;
      status.textContent = gettext("The camera could not be opened: type the code instead.");
    }
  }

  for (const button of buttons) {
    const input = document.getElementById(button.dataset.scan);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener("click", () => scan(input));
  }
  dialog.querySelector("[data-scan-stop]").addEventListener("click", stop);
  dialog.addEventListener("close", () => { if (controls) stop(); });
})();
