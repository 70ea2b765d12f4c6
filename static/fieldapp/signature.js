// The customer signs with a finger on the canvas; the PNG goes with the form. Clear wipes it.
(function () {
  "use strict";
  const canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  const pen = canvas.getContext("2d");
  pen.lineWidth = 2.5;
  pen.lineCap = "round";
  let drawing = false;
  let drawn = false;
  function at(event) {
    // The pad may be drawn narrower than its 340 pixels (a small phone): scale the finger's
    // place on screen to the canvas's own pixels, or the ink lands away from the finger.
    const box = canvas.getBoundingClientRect();
    return [
      (event.clientX - box.left) * (canvas.width / box.width),
      (event.clientY - box.top) * (canvas.height / box.height),
    ];
  }
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    pen.beginPath();
    pen.moveTo(...at(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    pen.lineTo(...at(event));
    pen.stroke();
    drawn = true;
  });
  ["pointerup", "pointerleave"].forEach((name) => canvas.addEventListener(name, () => {
    drawing = false;
  }));
  // Clear starts the signature again, as does the form's reset once the outbox has it.
  function clear() {
    pen.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  }
  document.getElementById("signature-clear").addEventListener("click", clear);
  document.getElementById("sign-form").addEventListener("reset", clear);
  // Read by the form's own submit and by the offline outbox alike.
  window.fieldserviceSignature = () => (drawn ? canvas.toDataURL("image/png") : "");
  document.getElementById("sign-form").addEventListener("submit", () => {
    document.getElementById("signature-data").value = window.fieldserviceSignature();
  });
})();
