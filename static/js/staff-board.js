// The order board's cue for a new order (a flash and a short tone, which can be muted; the
// choice is kept in this browser) and the ticket's print button. Everything else is htmx.
(function () {
  "use strict";
  var KEY = "staff-board-sound";
  var latest = null;

  function soundOn() { return localStorage.getItem(KEY) !== "off"; }

  function beep() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    var ctx = new Ctx();
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  }

  function check(board) {
    var id = parseInt(board.getAttribute("data-latest-order") || "0", 10);
    if (latest !== null && id > latest) {
      board.classList.remove("board--new");
      void board.offsetWidth;  // restart the flash animation
      board.classList.add("board--new");
      if (soundOn()) { beep(); }
    }
    latest = Math.max(latest || 0, id);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    var toggle = document.getElementById("sound-on");
    if (toggle) {
      toggle.checked = soundOn();
      toggle.closest(".sound-toggle").hidden = false;
      toggle.addEventListener("change", function () { localStorage.setItem(KEY, toggle.checked ? "on" : "off"); });
    }
    if (board) {
      check(board);
      // Each refresh replaces the whole board (outerHTML), carrying the newest order's id;
      // htmx announces the new element with htmx:load (the old one is detached by then).
      document.body.addEventListener("htmx:load", function (event) {
        if (event.target.id === "board") { check(event.target); }
      });
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
}());
