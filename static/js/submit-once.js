// Forms marked data-submit-once are sent once: after the first submission their submit
// buttons are disabled, so that a double click sends one request. Without JavaScript the
// forms work as before; the server treats a second request as harmless anyway.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-submit-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      form.setAttribute("aria-busy", "true");
      // Disabled once this submission has taken the clicked button's name and value: a
      // button disabled during the submit event would be left out of it.
      setTimeout(() => {
        for (const button of form.querySelectorAll("button[type=submit], input[type=submit]")) {
          button.disabled = true;
        }
      }, 0);
    });
  }
});

// Coming back to the page with the browser's Back button shows it as it was left: enable
// the buttons again, so that the form can be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) {
    return;
  }
  for (const form of document.querySelectorAll("form[data-submit-once]")) {
    delete form.dataset.submitted;
    form.removeAttribute("aria-busy");
    for (const button of form.querySelectorAll("button[type=submit], input[type=submit]")) {
      button.disabled = false;
    }
  }
});
