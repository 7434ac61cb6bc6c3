// The fee of each declared device and the total, as the applicant chooses categories.
// A static file, so it runs under the Content-Security-Policy (no inline script).
(function () {
  var fees = JSON.parse(document.getElementById("device-fees").textContent);
  var fmt = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
  function update() {
    var total = 0;
    document.querySelectorAll("fieldset.device").forEach(function (box) {
      var select = box.querySelector("select[name$='-category']");
      var fee = select && fees[select.value];
      box.querySelector(".device-fee").textContent = fee === undefined ? "—" : fmt(fee);
      total += fee || 0;
    });
    document.getElementById("fee-total").textContent = fmt(total);
  }
  document.getElementById("devices").addEventListener("change", update);
  update();  // a script inserted by Turbo may run after the first choice
})();
