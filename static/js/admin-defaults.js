// Defaults for the rows staff add to a meeting's page (no inline script: the CSP forbids it).
// A new session starts on the meeting's first day, at the meeting's start time: staff change
// only what differs. A field already filled is left alone.
"use strict";
(function () {
  function valueOf(id) {
    const field = document.getElementById(id);
    return field ? field.value : "";
  }

  function fillIfEmpty(row, suffix, value) {
    const field = row.querySelector(`input[name$="-${suffix}"]`);
    if (field && !field.value && value) {
      field.value = value;
    }
  }

  document.addEventListener("formset:added", function (event) {
    if (!event.detail || event.detail.formsetName !== "sessions") {
      return;
    }
    const row = event.target;
    fillIfEmpty(row, "start_0", valueOf("id_start_0"));
    fillIfEmpty(row, "start_1", valueOf("id_start_1"));
    fillIfEmpty(row, "end_0", valueOf("id_start_0"));
  });
})();
