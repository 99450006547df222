// Behaviour the templates ask for with data attributes: no inline script, so the Content-Security-Policy
// can refuse every script that is not one of these files.
document.addEventListener("click", function (event) {
  var print = event.target.closest("[data-print]");
  if (print) {
    window.print();
    return;
  }
  var confirmed = event.target.closest("[data-confirm]");
  if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
