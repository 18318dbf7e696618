// The editing desk keeps what is typed (templates/admin/procedures/draft/change_form.html):
// - in this browser tab, as it is typed, until the portal has it (offered back if a save
//   never arrived: a closed tab, an expired sign-in, a network failure);
// - on the server, a few seconds after typing stops (procedures/admin/autosave.py; a new draft
//   is created by its first autosave), each save bound to the revision the page started from
//   and naming the page, so a save over someone else's is refused and merged instead;
// - who else has the draft open is shown, from the same exchange every few seconds;
// - the error summary at the top takes the focus when the page opens with errors.
// Without JavaScript the Save buttons do it all. No inline handlers (Content Security Policy).
(function () {
  "use strict";

  const AUTOSAVE_AFTER_MS = 3000; // after typing stops
  const AUTOSAVE_AT_LEAST_MS = 20000; // while typing goes on
  const HEARTBEAT_MS = 20000; // "I have this draft open"
  const signedOutMessage =
    "You have been signed out, so your text cannot be saved to the portal just now. It is " +
    "kept in this browser: press a Save button to sign in again, and it comes back in the " +
    "form to save.";


  function keeper(form) {
    const editor = form.querySelector("textarea[name=body]");
    const summary = form.querySelector("[name=summary]");
    const revision = form.querySelector("input[name=revision]");
    const token = form.querySelector("input[name=desk]");
    const status = form.querySelector("[data-app-desk-saved]");
    const others = form.querySelector("[data-app-desk-others]");
    let deskUrl = form.getAttribute("data-app-desk-url");
    if (!editor || !deskUrl) return;
    const autosaveNote = form.querySelector("[data-app-desk-autosave-note]");
    if (autosaveNote) autosaveNote.hidden = false;

    // This page's own token: its autosaves are never taken for someone else's save.
    if (token) {
      token.value =
        window.crypto && window.crypto.randomUUID
          ? window.crypto.randomUUID()
          : String(Date.now()) + Math.random().toString(16).slice(2);
    }

    // The text as typed, kept in this browser tab until the portal has it.
    const key = "app-desk:" + (form.getAttribute("data-app-draft") || window.location.pathname + window.location.search);
    const keep = function () {
      try {
        window.sessionStorage.setItem(
          key,
          JSON.stringify({ body: editor.value, summary: summary ? summary.value : "", at: new Date().toISOString() })
        );
      } catch (error) {
        /* storage full or refused: the server copy still counts */
      }
    };
    const forget = function (body) {
      try {
        const kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
        if (kept && kept.body === body) window.sessionStorage.removeItem(key);
      } catch (error) {
        /* nothing kept */
      }
    };
    offerKeptText(form, key, editor, summary, status);

    let dirty = false; // typed since the last save the portal confirmed
    let busy = false; // one request at a time, so a new draft is created once
    let stopped = false; // after a refused save (someone else's newer save): no more autosave
    let timer = null;
    let firstChangeAt = 0;

    const say = function (text) {
      if (status) status.textContent = text;
    };
    const showOthers = function (people) {
      if (!others) return;
      if (!people || !people.length) {
        others.textContent = "";
        return;
      }
      const names = people.map(function (person) {
        return person.name;
      });
      const strong = document.createElement("strong");
      strong.textContent = names.join(", ") + (names.length === 1 ? " also has" : " also have") + " this draft open.";
      others.replaceChildren(
        strong,
        " Saving over someone else's newer save is refused: you will be shown both texts to merge."
      );
    };
    const showNewer = function (newer) {
      if (!newer) return;
      stopped = true;
      say(
        newer.by + " saved this draft at " + newer.at + " (revision " + newer.revision + "). Your " +
          "changes are no longer saved automatically: press a Save button to compare both texts " +
          "and merge them. Nothing is lost."
      );
    };

    const send = function (saving) {
      if (busy || (saving && stopped)) return;
      busy = true;
      const data = new FormData(form);
      if (saving) data.append("_autosave", "1");
      const sentBody = editor.value;
      const cookie = /(?:^|; )csrftoken=([^;]+)/.exec(document.cookie);
      window
        .fetch(deskUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": cookie ? decodeURIComponent(cookie[1]) : "", Accept: "application/json" },
        })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { status: response.status, answer: answer };
          });
        })
        .then(function (result) {
          const answer = result.answer;
          showOthers(answer.others);
          if (answer.signed_out) {
            say(signedOutMessage);
            form.setAttribute("data-app-signed-out", "");
            return;
          }
          form.removeAttribute("data-app-signed-out");
          if (answer.published) {
            stopped = true;
            say("This draft has been published meanwhile, so it can no longer change. Your text is kept in this browser: press Save to see it and start a new draft with it.");
            return;
          }
          if (answer.saved) {
            if (revision) revision.value = answer.revision;
            if (answer.change_url) becomeSaved(form, answer);
            deskUrl = form.getAttribute("data-app-desk-url");
            if (editor.value === sentBody) {
              dirty = false;
              forget(sentBody);
            }
            say("Saved automatically at " + answer.saved_at + " (revision " + answer.revision + ").");
            return;
          }
          if (result.status === 409 || answer.newer) {
            showNewer(answer.newer);
            return;
          }
          if (saving && answer.errors && answer.errors.length) {
            say("Not saved automatically yet: " + answer.errors.join(" ") + " Your text is kept in this browser.");
          }
        })
        .catch(function () {
          if (saving) say("Not saved automatically just now (no answer from the portal). Your text is kept in this browser; it will be tried again.");
        })
        .finally(function () {
          busy = false;
        });
    };

    const schedule = function () {
      dirty = true;
      keep();
      const now = Date.now();
      if (!firstChangeAt) firstChangeAt = now;
      window.clearTimeout(timer);
      const wait = Math.max(0, Math.min(AUTOSAVE_AFTER_MS, firstChangeAt + AUTOSAVE_AT_LEAST_MS - now));
      timer = window.setTimeout(function () {
        firstChangeAt = 0;
        if (dirty) send(true);
      }, wait);
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);

    // "I have it open" (and who else has, or saved since), every few seconds.
    window.setInterval(function () {
      if (!dirty && form.getAttribute("data-app-draft")) send(false);
    }, HEARTBEAT_MS);

    form.addEventListener("submit", function () {
      // Signing in again (in another tab) gives a new CSRF secret: send the current one, or
      // the save is refused. The text stays kept in this tab until the portal has it.
      const cookie = /(?:^|; )csrftoken=([^;]+)/.exec(document.cookie);
      const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (cookie && csrf) csrf.value = decodeURIComponent(cookie[1]);
      window.clearTimeout(timer);
      keep();
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function becomeSaved(form, answer) {
    // A new draft's first autosave created it: from now on the page is that draft's.
    form.setAttribute("action", answer.change_url);
    form.setAttribute("data-app-draft", String(answer.draft));
    form.setAttribute("data-app-desk-url", answer.change_url.replace(/change\/$/, "desk/"));
    window.history.replaceState(null, "", answer.change_url);
  }

  function offerKeptText(form, key, editor, summary, status) {
    // Text typed in this tab that the portal never got (a save lost to a closed tab, an
    // expired sign-in, a network failure): offer it back.
    let kept;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch (error) {
      kept = null;
    }
    if (!kept || typeof kept.body !== "string") return;
    if (kept.body === editor.value) {
      window.sessionStorage.removeItem(key);
      return;
    }
    const box = document.createElement("div");
    box.className = "app-desk-kept";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Text kept in this browser");
    const text = document.createElement("p");
    const at = new Date(kept.at);
    text.textContent =
      "This browser kept text you typed at " + at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
      " that is not in the draft below.";
    const use = document.createElement("button");
    use.type = "button";
    use.textContent = "Put my kept text in the form";
    const drop = document.createElement("button");
    drop.type = "button";
    drop.textContent = "Keep the text below";
    use.addEventListener("click", function () {
      editor.value = kept.body;
      if (summary && kept.summary) summary.value = kept.summary;
      editor.dispatchEvent(new Event("input", { bubbles: true }));
      box.remove();
      editor.focus();
    });
    drop.addEventListener("click", function () {
      window.sessionStorage.removeItem(key);
      box.remove();
    });
    box.append(text, use, " ", drop);
    (status ? status.parentElement : form).appendChild(box);
  }

  function focusErrors() {
    // GOV.UK's error summary: take the focus to it, so the errors are read first.
    const summary = document.querySelector("[data-app-error-summary]");
    if (summary) summary.focus();
  }

  function start() {
    const form = document.getElementById("draft_form");
    if (form) keeper(form);
    focusErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
