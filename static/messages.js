// Progressive enhancement of the message pages: a live count of the characters left, new
// messages live from the event stream (polling the JSON API while it is down), sending without
// a page reload, and editing and deleting your own messages in place. Every page works without
// this script; user text is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";

  const POLL_INTERVAL_MS = 3000;
  const MAX_POLL_INTERVAL_MS = 60000;
  const STREAM_RETRY_MS = 30000;  // a refused event stream is tried again after this
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

  // The URL of an RFC 8288 `Link: <url>; rel="..."` header's link of that relation, or null.
  function linkOf(header, relation) {
    const links = (header || "").split(",");
    for (const link of links) {
      const match = link.match(/<([^>]*)>\s*;.*\brel="?([a-z]+)"?/);
      if (match && match[2] === relation) {
        return match[1];
      }
    }
    return null;
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
      showText(node, item);
      if (node.classList.contains("mine") && !item.deleted) {
        offerActions(node, list, item.uuid);
      }

      const wasAtBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
      // ISO times in one format sort as strings.
      const later = Array.from(list.children).find((li) => li.querySelector("time").dateTime > item.created_at);
      list.insertBefore(node, later || null);
      if (wasAtBottom) {
        node.scrollIntoView({block: "nearest"});
      }
    };
  }

  // A message's text, "edited" mark and deleted state, as the server renders them.
  function showText(node, item) {
    node.classList.toggle("deleted", Boolean(item.deleted));
    const text = node.querySelector(".text");
    if (item.deleted) {
      text.textContent = "Message deleted";
    } else {
      text.textContent = item.message;
    }
    node.querySelector(".edited").hidden = !item.edited_at || Boolean(item.deleted);
  }

  // An edit or a delete of a message this page shows (a live `message_updated` or `message_deleted`).
  function changeShown(list, item) {
    const node = list.querySelector('li[data-uuid="' + CSS.escape(item.uuid) + '"]');
    if (node) {
      showText(node, item);
      const actions = node.querySelector(".actions");
      if (item.deleted && actions) {
        actions.remove();
      }
    }
  }

  // Edit and Delete on a message the script rendered (one the viewer just sent, or a polled one of theirs).
  function offerActions(node, list, uuid) {
    node.dataset.apiUrl = list.dataset.apiPath + "/" + uuid;
    const actions = node.querySelector(".actions");
    actions.querySelector(".edit").href = list.dataset.pagePath + "/" + uuid + "/edit";
    actions.querySelector(".delete").href = list.dataset.pagePath + "/" + uuid + "/delete";
    actions.hidden = false;
  }

  function retryDelay(response, delay) {
    const retryAfter = Number(response && response.headers.get("Retry-After"));
    const backedOff = Math.min(delay * 2, MAX_POLL_INTERVAL_MS);
    return retryAfter > 0 ? Math.max(retryAfter * 1000, backedOff) : backedOff;
  }

  // The newest messages of a conversation, by one poll of the JSON API: from after the newest one shown, then
  // where the `Link` header says (`next` while more are waiting, else `poll`). Resolves to the next delay.
  function conversationPoller(list, render, readShown) {
    let url = list.dataset.pollUrl;
    return async function pollOnce(delay) {
      try {
        const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (!response.ok) {
          return retryDelay(response, delay);
        }
        const items = await response.json();
        items.forEach(render);
        await readShown(items);
        const more = linkOf(response.headers.get("Link"), "next");
        url = more || linkOf(response.headers.get("Link"), "poll") || url;
        return more ? 0 : POLL_INTERVAL_MS;
      } catch (error) {
        return retryDelay(null, delay);
      }
    };
  }

  // Live or poll: how a page follows what is new. An EventSource on GET /api/events (the session cookie signs
  // it in) while it is open; the page's poll while it is not (the server ended it with a `retry:` hint, the
  // network dropped, the server refused it), stopped as soon as the stream is open again. A refused stream is
  // tried again later from the last event received, so nothing is missed and nothing comes twice.
  function follow(eventsUrl, handlers, pollOnce) {
    let polling = false;
    let timer = null;
    let delay = POLL_INTERVAL_MS;
    let lastEventId = null;

    async function tick() {
      timer = null;
      delay = await pollOnce(delay);
      if (polling && timer === null) {
        timer = window.setTimeout(tick, delay);
      }
    }
    function startPolling() {
      if (!polling) {
        polling = true;
        timer = window.setTimeout(tick, 0);  // at once: whatever came while the stream was down
      }
    }
    function stopPolling() {
      polling = false;
      window.clearTimeout(timer);
      timer = null;
    }
    function from(url) {
      if (!lastEventId) {
        return url;
      }
      const resumed = new URL(url, window.location.href);
      resumed.searchParams.set("last_event_id", lastEventId);
      return resumed.pathname + resumed.search;
    }
    function open() {
      const source = new EventSource(from(eventsUrl));
      source.addEventListener("open", stopPolling);
      Object.entries(handlers).forEach(function ([type, handle]) {
        source.addEventListener(type, function (event) {
          lastEventId = event.lastEventId || lastEventId;
          handle(JSON.parse(event.data));
        });
      });
      source.addEventListener("error", function () {
        startPolling();
        if (source.readyState === EventSource.CLOSED) {
          window.setTimeout(open, STREAM_RETRY_MS);
        }
      });
    }

    if (eventsUrl && window.EventSource) {
      open();
    } else {
      polling = true;
      timer = window.setTimeout(tick, delay);
    }
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setBadge(badge, count) {
    badge.textContent = count + " unread";
    badge.hidden = !count;
  }

  // The header's unread total: from a `read` event's data, or asked again (GET /api/message_groups/unread)
  // when a message from someone else arrives or the page has read what it shows.
  function unreadTotal() {
    const total = document.getElementById("unread-total");
    function show(count) {
      if (total) {
        total.textContent = count + " unread";
        total.classList.toggle("has-unread", count > 0);
      }
    }
    async function refresh() {
      if (!total) {
        return;
      }
      try {
        const response = await fetch(total.dataset.unreadUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (response.ok) {
          show((await response.json()).unread_count);
        }
      } catch (error) {
        // The next message or poll asks again.
      }
    }
    return {refresh: refresh, onRead: (data) => show(data.total_unread_count)};
  }

  function fromOther(list, message) {
    return message.handle.toLowerCase() !== list.dataset.viewerHandle.toLowerCase();
  }

  // What the other member sent and this page now shows is read, as opening the page reads it.
  function shownReader(list, totals) {
    return async function readShown(items) {
      const fromOthers = items.filter((item) => fromOther(list, item));
      if (fromOthers.length === 0 || !list.dataset.readUrl) {
        return;
      }
      const read = await fetch(list.dataset.readUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({up_to: fromOthers[fromOthers.length - 1].created_at}),
      });
      if (read.ok) {
        totals.refresh();
      }
    };
  }

  // The conversation list: a row per conversation, newest first; a new message moves its row to the top.
  function conversationList(list, template, totals) {
    function rowOf(uuid) {
      return list.querySelector('li[data-uuid="' + CSS.escape(uuid) + '"]');
    }
    function count(row, unread) {
      setBadge(row.querySelector(".unread-badge"), unread);
      row.classList.toggle("unread", unread > 0);
    }
    function put(item) {
      // item: {uuid (the conversation), display_name, handle (the other member), message, created_at, unread_count}
      let row = rowOf(item.uuid);
      if (row && item.unread_count !== undefined) {
        count(row, item.unread_count);
      }
      if (!row) {
        row = template.content.firstElementChild.cloneNode(true);
        row.dataset.uuid = item.uuid;
        row.querySelector("a").href = list.dataset.conversationPath + item.uuid;
        row.querySelector(".name").textContent = item.display_name;
        row.querySelector(".handle").textContent = "@" + item.handle;
      }
      const time = row.querySelector("time");
      if (row.isConnected && time.dateTime >= item.created_at) {
        return;  // shown already, or an older state of a row already newer
      }
      time.dateTime = item.created_at;
      time.textContent = "just now";
      time.title = formatTime(item.created_at) + " UTC";
      row.querySelector(".last-message").textContent = item.message;
      if (item.unread_count !== undefined) {
        count(row, item.unread_count);
      }
      list.insertBefore(row, list.firstElementChild);
      const empty = document.getElementById("no-conversations");
      if (empty) {
        empty.remove();
      }
    }
    async function pollOnce(delay) {
      try {
        const response = await fetch(list.dataset.pollUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (!response.ok) {
          return retryDelay(response, delay);
        }
        (await response.json()).reverse().forEach(put);
        totals.refresh();
        return POLL_INTERVAL_MS;
      } catch (error) {
        return retryDelay(null, delay);
      }
    }
    function onMessage(message) {
      // The list says who a new conversation is with and every row's count: one GET for either.
      pollOnce(POLL_INTERVAL_MS);
    }
    function onRead(data) {
      const row = rowOf(data.message_group_uuid);
      if (row) {
        count(row, data.unread_count);
      }
      totals.onRead(data);
    }
    return {pollOnce: pollOnce, onMessage: onMessage, onRead: onRead};
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

  function jsonRequest(method, csrfToken, body) {
    const request = {
      method: method,
      credentials: "same-origin",
      headers: {Accept: "application/json", "X-CSRFToken": csrfToken},
    };
    if (body !== undefined) {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    return request;
  }

  // What went wrong with an edit or a delete, in the server's words.
  async function failureTexts(response, errorText) {
    if (response.status === 422) {
      return (await response.json()).map((code) => errorText.codes[code] || errorText.unknown);
    }
    return [response.status === 404 ? "This message is not yours to change." : errorText.unknown + " Please try again."];
  }

  // The edit form in place of the message's text: Save sends PATCH to the API, Cancel puts the text back.
  function editInPlace(node, csrfToken, errorText) {
    if (node.querySelector(".inline-edit")) {
      return;
    }
    const text = node.querySelector(".text");
    const actions = node.querySelector(".actions");
    const form = document.createElement("form");
    form.className = "inline-edit";
    const errors = document.createElement("ul");
    errors.className = "errors";
    errors.hidden = true;
    errors.setAttribute("role", "alert");
    const textarea = document.createElement("textarea");
    textarea.name = "message";
    textarea.rows = 3;
    textarea.value = text.textContent;
    textarea.setAttribute("aria-label", "Edit your message");
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button";
    save.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button secondary";
    cancel.textContent = "Cancel";
    const row = document.createElement("div");
    row.className = "send-row";
    row.append(cancel, save);
    form.append(errors, textarea, row);

    function close() {
      form.remove();
      text.hidden = false;
      actions.hidden = false;
    }

    cancel.addEventListener("click", close);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      save.disabled = true;
      try {
        const response = await fetch(node.dataset.apiUrl, jsonRequest("PATCH", csrfToken, {message: textarea.value}));
        if (response.ok) {
          showText(node, await response.json());
          close();
        } else {
          showErrors(form, await failureTexts(response, errorText));
        }
      } catch (error) {
        showErrors(form, [errorText.unknown + " Check your connection and try again."]);
      } finally {
        save.disabled = false;
      }
    });
    text.hidden = true;
    actions.hidden = true;
    text.after(form);
    textarea.focus();
  }

  async function deleteInPlace(node, csrfToken, errorText) {
    if (!window.confirm("Delete this message? It stays in the conversation as \u201cMessage deleted\u201d.")) {
      return;
    }
    const actions = node.querySelector(".actions");
    let texts;
    try {
      const response = await fetch(node.dataset.apiUrl, jsonRequest("DELETE", csrfToken));
      if (response.ok) {
        showText(node, {deleted: true});
        actions.remove();
        return;
      }
      texts = await failureTexts(response, errorText);
    } catch (error) {
      texts = [errorText.unknown + " Check your connection and try again."];
    }
    let problem = node.querySelector(".action-error");
    if (!problem) {
      problem = document.createElement("p");
      problem.className = "action-error";
      problem.setAttribute("role", "alert");
      actions.after(problem);
    }
    problem.textContent = texts.join(" ");
  }

  // The Edit and Delete links of your own messages act in place; without the script they open their pages.
  function setUpMessageActions(list, csrfToken, errorText) {
    list.addEventListener("click", function (event) {
      const link = event.target.closest(".actions a");
      const node = link && link.closest(".message");
      if (!node || !node.dataset.apiUrl) {
        return;
      }
      event.preventDefault();
      if (link.classList.contains("edit")) {
        editInPlace(node, csrfToken, errorText);
      } else {
        deleteInPlace(node, csrfToken, errorText);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("send-form");
    const editForm = document.getElementById("edit-form");
    if (form || editForm) {
      setUpCounter((form || editForm).elements.message, document.getElementById("message-counter"));
    }
    const totals = unreadTotal();
    const conversations = document.getElementById("conversations");
    if (conversations && conversations.dataset.pollUrl) {
      const rows = conversationList(conversations, document.getElementById("conversation-template"), totals);
      follow(conversations.dataset.eventsUrl, {message: rows.onMessage, read: rows.onRead}, rows.pollOnce);
    }
    const list = document.getElementById("messages");
    const errorText = form ? JSON.parse(document.getElementById("error-text").textContent) : null;
    if (list && form) {
      setUpMessageActions(list, form.elements.csrfmiddlewaretoken.value, errorText);
    }
    if (list && list.dataset.pollUrl) {
      const render = messageRenderer(list, document.getElementById("message-template"));
      const group = list.dataset.messageGroupUuid;
      const readShown = shownReader(list, totals);
      follow(list.dataset.eventsUrl, {
        message: function (message) {
          if (message.message_group_uuid === group) {
            render(message);
            readShown([message]);
          } else if (fromOther(list, message)) {
            totals.refresh();
          }
        },
        message_updated: (message) => changeShown(list, message),
        message_deleted: (message) => changeShown(list, message),
        read: totals.onRead,
      }, conversationPoller(list, render, readShown));
      if (form && form.dataset.sendUrl) {
        setUpSending(form, render, errorText);
        if (!form.querySelector(".errors li")) {
          form.scrollIntoView({block: "end"});
        }
      }
    }
  });
})();
