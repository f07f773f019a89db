// Progressive enhancement of the message pages: a live count of the characters left, new
// messages and unread counts by polling the JSON API (one loop for all of it), and sending
// without a page reload. Every page works without this script; user text is only ever set
// with textContent, never parsed as HTML.
(function () {
  "use strict";

  const POLL_INTERVAL_MS = 3000;
  const MAX_POLL_INTERVAL_MS = 60000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // Grapheme clusters, as the server counts them: an emoji with modifiers is one character.
  const graphemes = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, {granularity: "grapheme"}) : null;
  function characterCount(text) {
    return graphemes ? Array.from(graphemes.segment(text)).length : Array.from(text).length;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function setUpCounter(textarea, counter) {
    const max = Number(textarea.dataset.maxChars);
    function update() {
      const left = max - characterCount(textarea.value);
      counter.textContent = left >= 0 ? plural(left, "character") + " left" : plural(-left, "character") + " too many";
      counter.classList.toggle("over", left < 0);
    }
    textarea.addEventListener("input", update);
    update();
  }

  // The same "24 Nov 2026, 12:30" (UTC) the server renders.
  function formatTime(iso) {
    const date = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] + " " + date.getUTCFullYear() + ", " +
      pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }

  // The URL of an RFC 8288 `Link: <url>; rel="next"` header, or null.
  function nextLink(header) {
    const match = header && header.match(/<([^>]*)>\s*;[^,]*\brel="?next"?/);
    return match ? match[1] : null;
  }

  function newIdempotencyKey() {
    if (window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; getRandomValues does not.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Put a message from the API ({uuid, display_name, handle, message, created_at}) into the
  // list once, in time order, and keep the newest in view if the reader was already there.
  function messageRenderer(list, template) {
    const viewerHandle = list.dataset.viewerHandle.toLowerCase();
    return function render(item) {
      const known = Array.from(list.children).some((li) => li.dataset.uuid === item.uuid);
      if (known) {
        return;
      }
      const node = template.content.firstElementChild.cloneNode(true);
      node.dataset.uuid = item.uuid;
      node.classList.toggle("mine", item.handle.toLowerCase() === viewerHandle);
      node.querySelector(".name").textContent = item.display_name;
      node.querySelector(".handle").textContent = "@" + item.handle;
      const time = node.querySelector("time");
      time.dateTime = item.created_at;
      time.textContent = formatTime(item.created_at);
      node.querySelector(".text").textContent = item.message;

      const wasAtBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
      // ISO times in one format sort as strings.
      const later = Array.from(list.children).find((li) => li.querySelector("time").dateTime > item.created_at);
      list.insertBefore(node, later || null);
      if (wasAtBottom) {
        node.scrollIntoView({block: "nearest"});
      }
    };
  }

  function retryDelay(response, delay) {
    const retryAfter = Number(response && response.headers.get("Retry-After"));
    const backedOff = Math.min(delay * 2, MAX_POLL_INTERVAL_MS);
    return retryAfter > 0 ? Math.max(retryAfter * 1000, backedOff) : backedOff;
  }

  // A failed request: the loop backs off (honouring Retry-After) before its next round.
  function failed(response) {
    const error = new Error("request failed: " + response.status);
    error.response = response;
    return error;
  }

  async function getJson(url) {
    const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
    if (!response.ok) {
      throw failed(response);
    }
    return response;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Ask for messages after the newest one shown; the API's Link header says where to ask next.
  // What the other member sent and this page now shows is read, as opening the page reads it.
  function messagesTask(list, render) {
    let url = list.dataset.pollUrl;
    const viewerHandle = list.dataset.viewerHandle.toLowerCase();
    return async function () {
      const response = await getJson(url);
      const items = await response.json();
      items.forEach(render);
      url = nextLink(response.headers.get("Link")) || url;
      const fromOthers = items.filter((item) => item.handle.toLowerCase() !== viewerHandle);
      if (fromOthers.length > 0 && list.dataset.readUrl) {
        const read = await fetch(list.dataset.readUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken()},
          body: JSON.stringify({up_to: fromOthers[fromOthers.length - 1].created_at}),
        });
        if (!read.ok) {
          throw failed(read);
        }
      }
    };
  }

  function setBadge(badge, count) {
    badge.textContent = count + " unread";
    badge.hidden = count === 0;
  }

  // The header's unread total (GET /api/message_groups/unread).
  function totalTask(total) {
    return async function () {
      const summary = await (await getJson(total.dataset.unreadUrl)).json();
      total.textContent = summary.unread_count + " unread";
      total.classList.toggle("has-unread", summary.unread_count > 0);
    };
  }

  // Each listed conversation's count and last message (the first page of GET /api/message_groups).
  function conversationsTask(conversationList) {
    return async function () {
      const groups = await (await getJson(conversationList.dataset.listUrl)).json();
      groups.forEach(function (group) {
        const row = Array.from(conversationList.children).find((li) => li.dataset.messageGroupUuid === group.uuid);
        if (!row) {
          return;
        }
        setBadge(row.querySelector(".unread-badge"), group.unread_count);
        row.classList.toggle("unread", group.unread_count > 0);
        row.querySelector(".last-message").textContent = group.message;
      });
    };
  }

  // One polling loop for everything the page shows live, one task after the other.
  function startPolling(tasks) {
    let delay = POLL_INTERVAL_MS;
    async function poll() {
      try {
        for (const task of tasks) {
          await task();
        }
        delay = POLL_INTERVAL_MS;
      } catch (error) {
        delay = retryDelay(error.response || null, delay);
      }
      window.setTimeout(poll, delay);
    }
    window.setTimeout(poll, delay);
  }

  function showErrors(form, texts) {
    const list = form.querySelector(".errors");
    list.replaceChildren(...texts.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    list.hidden = texts.length === 0;
    if (texts.length > 0) {
      form.elements.message.setAttribute("aria-invalid", "true");
    } else {
      form.elements.message.removeAttribute("aria-invalid");
    }
  }

  function setUpSending(form, render, errorText) {
    const textarea = form.elements.message;
    const keyInput = form.elements.idempotency_key;
    const button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      button.disabled = true;
      try {
        const response = await fetch(form.dataset.sendUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
            "Idempotency-Key": keyInput.value,
          },
          body: JSON.stringify({message: textarea.value, message_group_uuid: form.dataset.messageGroupUuid}),
        });
        if (response.ok) {
          render(await response.json());
          showErrors(form, []);
          textarea.value = "";
          textarea.dispatchEvent(new Event("input"));
          keyInput.value = newIdempotencyKey();
        } else if (response.status === 422) {
          const codes = await response.json();
          showErrors(form, codes.map((code) => errorText.codes[code] || errorText.unknown));
          if (codes.includes("idempotency_key_reused") || codes.includes("idempotency_key_invalid")) {
            keyInput.value = newIdempotencyKey();
          }
        } else {
          showErrors(form, [errorText.unknown + " Please try again."]);
        }
      } catch (error) {
        showErrors(form, [errorText.unknown + " Check your connection and try again."]);
      } finally {
        button.disabled = false;
        textarea.focus();
      }
    });

    // Ctrl+Enter (Cmd+Enter on a Mac) sends; Enter alone is a new line.
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("send-form");
    if (form) {
      setUpCounter(form.elements.message, document.getElementById("message-counter"));
    }
    const tasks = [];
    const list = document.getElementById("messages");
    if (list && list.dataset.pollUrl) {
      const render = messageRenderer(list, document.getElementById("message-template"));
      tasks.push(messagesTask(list, render));
      if (form && form.dataset.sendUrl) {
        const errorText = JSON.parse(document.getElementById("error-text").textContent);
        setUpSending(form, render, errorText);
        if (!form.querySelector(".errors li")) {
          form.scrollIntoView({block: "end"});
        }
      }
    }
    const conversationList = document.getElementById("conversation-list");
    if (conversationList && conversationList.dataset.listUrl) {
      tasks.push(conversationsTask(conversationList));
    }
    const total = document.getElementById("unread-total");
    if (total) {
      tasks.push(totalTask(total));
    }
    if (tasks.length > 0) {
      startPolling(tasks);
    }
  });
})();
