// Progressive enhancement of the Block/Unblock forms: send them to the JSON API (POST blocks,
// DELETE unblocks) and turn the button over in place. Without this script the forms post to the
// page and come back by redirect; the answer is the same either way.
(function () {
  "use strict";

  function setState(form, blocked) {
    const name = form.dataset.name;
    const button = form.querySelector("button[type=submit]");
    form.elements.action.value = blocked ? "unblock" : "block";
    button.textContent = blocked ? "Unblock" : "Block";
    button.setAttribute("aria-label", (blocked ? "Unblock " : "Block ") + name);
  }

  function setUpBlockForm(form) {
    const status = form.querySelector(".block-status");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const blocking = form.elements.action.value === "block";
      button.disabled = true;
      try {
        const response = await fetch(form.dataset.apiUrl, {
          method: blocking ? "POST" : "DELETE",
          credentials: "same-origin",
          headers: {Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value},
        });
        if (response.ok) {
          const answer = await response.json();
          setState(form, answer.blocked);
          status.textContent = (answer.blocked ? "Blocked @" : "Unblocked @") + answer.handle;
        } else {
          status.textContent = "Could not " + (blocking ? "block" : "unblock") + ". Please try again.";
        }
      } catch (error) {
        status.textContent = "Could not reach Cruddur. Check your connection and try again.";
      } finally {
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.block-form").forEach(setUpBlockForm);
  });
})();
