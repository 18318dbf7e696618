// The editing desk (templates/admin/procedures/draft/change_form.html and editor_widget.html),
// on top of markdownx's live preview:
// - the keyboard: Tab leaves the text box (markdownx would indent with it; Ctrl+] and Ctrl+[
//   still do), and the preview's links are out of the tab order (the preview is one
//   focusable region), so Tab goes text, preview, summary;
// - the problems that would block publishing stay in view above the text (the preview's list
//   is moved there as the editor types), each link putting the cursor on its line;
// - the preview follows the part being edited;
// - nothing typed is lost: the text is kept in this browser tab as it is typed, saved to the
//   server a few seconds after typing stops (a new draft is created by its first save), and
//   each save is bound to the revision it started from, so a save over someone else's is
//   refused and merged instead; who else has the draft open is shown;
// - the error summary at the top takes the focus when the page opens with errors;
// - dropped or pasted files are refused with a message (there is no image upload).
// A static file with no inline handlers, as the Content Security Policy requires.
(function () {
  "use strict";

  const AUTOSAVE_AFTER_MS = 3000; // after typing stops
  const AUTOSAVE_AT_LEAST_MS = 20000; // while typing goes on
  const HEARTBEAT_MS = 20000; // "I have this draft open"
  const signedOutMessage =
    "You have been signed out, so your text cannot be saved to the portal just now. It is " +
    "kept in this browser: press a Save button to sign in again, and it comes back in the " +
    "form to save.";

  function lineStart(text, line) {
    // Offset of the first character of a 1-based line number.
    let offset = 0;
    for (let n = 1; n < line; n += 1) {
      const next = text.indexOf("\n", offset);
      if (next === -1) return text.length;
      offset = next + 1;
    }
    return offset;
  }

  function caretLine(editor) {
    return editor.value.slice(0, editor.selectionStart).split("\n").length;
  }

  function goToLine(editor, line) {
    const text = editor.value;
    const start = lineStart(text, line);
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    editor.focus();
    editor.setSelectionRange(start, end);
    // Bring the line into view: its share of the text, a third of the way down the box.
    const lines = text.split("\n").length;
    const lineHeight = editor.scrollHeight / Math.max(lines, 1);
    editor.scrollTop = Math.max(0, (line - 1) * lineHeight - editor.clientHeight / 3);
    editor.dispatchEvent(new CustomEvent("app:caret"));
  }

  function headingLines(text) {
    // 1-based line numbers of the markdown headings, in order.
    const found = [];
    let inFence = false;
    text.split("\n").forEach(function (line, index) {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (!inFence && /^#{1,6}\s/.test(line)) found.push(index + 1);
    });
    return found;
  }

  function topLine(editor) {
    // The line at the top of the text box, by its share of the scrolled height.
    const lines = editor.value.split("\n").length;
    const range = editor.scrollHeight - editor.clientHeight;
    return range > 0 ? 1 + Math.round((editor.scrollTop / range) * (lines - 1)) : 1;
  }

  function follow(editor, preview, line, share) {
    // Scroll the preview to the part being edited: the heading the line is under (the
    // preview's headings match the text's, in order), or the line's share of the text.
    const sources = headingLines(editor.value);
    const shown = preview.querySelectorAll(
      ":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6"
    );
    const range = preview.scrollHeight - preview.clientHeight;
    if (range <= 0) return;
    let target;
    if (sources.length && sources.length === shown.length) {
      let index = -1;
      sources.forEach(function (at, i) {
        if (at <= line) index = i;
      });
      const fromLine = index === -1 ? 1 : sources[index];
      const toLine = index + 1 < sources.length ? sources[index + 1] : editor.value.split("\n").length + 1;
      const fromTop = index === -1 ? 0 : shown[index].offsetTop;
      const toTop = index + 1 < shown.length ? shown[index + 1].offsetTop : preview.scrollHeight;
      const within = (line - fromLine) / Math.max(toLine - fromLine, 1);
      target = fromTop + within * (toTop - fromTop) - preview.clientHeight * share;
    } else {
      target = (line / editor.value.split("\n").length) * range;
    }
    preview.scrollTop = Math.max(0, Math.min(range, target));
  }

  function countSentence(count) {
    if (!count) return "No problems in the text.";
    return count + (count === 1 ? " problem" : " problems") + " in the text would stop publishing.";
  }

  function setUp(desk) {
    const editor = desk.querySelector("textarea");
    const preview = desk.querySelector("[data-app-desk-preview]");
    const note = desk.querySelector("[data-app-desk-note]");
    const problems = desk.querySelector("[data-app-desk-problem-list]");
    const problemCount = desk.querySelector("[data-app-desk-problem-count]");
    if (!editor || !preview) return;
    preview.parentElement.hidden = false; // the live preview needs this script

    // Tab leaves the text box: markdownx's own handler (which indents) never sees it.
    desk.addEventListener(
      "keydown",
      function (event) {
        if (event.target === editor && event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
          event.stopPropagation();
        }
      },
      true
    );

    // Problem links, in the list above the text and in comments: the cursor goes to the line.
    document.addEventListener("click", function (event) {
      const link = event.target.closest("a[data-app-line]");
      if (!link) return;
      event.preventDefault();
      goToLine(editor, parseInt(link.getAttribute("data-app-line"), 10));
    });

    // Each new preview: its problems go to the list in view, its links leave the tab order.
    let shownCount = problems ? problems.querySelectorAll("li").length : 0;
    desk.addEventListener("markdownx.update", function () {
      const found = preview.querySelector(".app-problems");
      if (problems) {
        problems.replaceChildren();
        if (found) problems.appendChild(found);
        const count = found ? found.querySelectorAll("li").length : 0;
        if (count !== shownCount && problemCount) problemCount.textContent = countSentence(count);
        shownCount = count;
      }
      preview.querySelectorAll("a, button, input, select, textarea").forEach(function (element) {
        element.setAttribute("tabindex", "-1");
      });
    });

    // Typing or moving the cursor follows the cursor's line; scrolling the text box with the
    // mouse follows its top line (but not the scroll that comes of moving the cursor).
    let pending = null;
    let caretMovedAt = 0;
    const later = function (line, share) {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        follow(editor, preview, line(), share);
      }, 50);
    };
    const atCaret = function () {
      caretMovedAt = Date.now();
      later(function () {
        return caretLine(editor);
      }, 1 / 3);
    };
    ["keyup", "click", "app:caret"].forEach(function (type) {
      editor.addEventListener(type, atCaret);
    });
    desk.addEventListener("markdownx.update", atCaret);
    editor.addEventListener("scroll", function () {
      if (Date.now() - caretMovedAt < 300) return;
      later(function () {
        return topLine(editor);
      }, 0);
    });

    // Signed out meanwhile: markdownx would show the login page as the preview.
    desk.addEventListener("markdownx.update", function () {
      if (!preview.querySelector('input[name="password"]')) return;
      const message = document.createElement("p");
      message.className = "govuk-body";
      message.textContent = signedOutMessage;
      preview.replaceChildren(message);
    });

    // No upload: refuse files before markdownx sends them to an address that does not exist.
    const refuseFiles = function (event) {
      const data = event.dataTransfer || event.clipboardData;
      if (!data || !data.files || !data.files.length) return;
      event.preventDefault();
      event.stopPropagation();
      note.hidden = false;
      note.textContent =
        "Images are not uploaded here. Describe the picture in words, or link to a page that shows it.";
    };
    desk.addEventListener("drop", refuseFiles, true);
    desk.addEventListener("paste", refuseFiles, true);

    // A problem link from the review page: #body-line-106.
    const fromReview = /^#body-line-(\d+)$/.exec(window.location.hash);
    if (fromReview) goToLine(editor, parseInt(fromReview[1], 10));
  }

  // --- keeping the text: in this tab, on the server, and from other people's saves --------

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
    document.querySelectorAll("[data-app-desk]").forEach(setUp);
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
