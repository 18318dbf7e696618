// The editing desk (templates/admin/procedures/draft/editor_widget.html), on top of markdownx's
// live preview:
// - a problem's link ("line 106") puts the cursor on that line of the text box, in the preview
//   and on the review page (which links to the form with #body-line-106);
// - the preview follows the part being edited: it scrolls to the section the cursor is in,
//   or, when the text box is scrolled, the section at its top;
// - dropped or pasted files are refused with a message (there is no image upload);
// - leaving the page with unsaved changes asks first, and when the sign-in has expired (the
//   preview gets the login page) saving is held back, so the text is not lost to a redirect.
// A static file with no inline handlers, as the Content Security Policy requires.
(function () {
  "use strict";

  const signedOutMessage =
    "You have been signed out, so this draft cannot be saved yet. Your text is still here: " +
    "sign in again in another tab or window, come back, type anything, then save.";

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
      const problems = preview.querySelector(".app-problems");
      const fromLine = index === -1 ? 1 : sources[index];
      const toLine = index + 1 < sources.length ? sources[index + 1] : editor.value.split("\n").length + 1;
      const fromTop = index === -1 ? (problems ? problems.offsetTop + problems.offsetHeight : 0) : shown[index].offsetTop;
      const toTop = index + 1 < shown.length ? shown[index + 1].offsetTop : preview.scrollHeight;
      const within = (line - fromLine) / Math.max(toLine - fromLine, 1);
      target = fromTop + within * (toTop - fromTop) - preview.clientHeight * share;
    } else {
      target = (line / editor.value.split("\n").length) * range;
    }
    preview.scrollTop = Math.max(0, Math.min(range, target));
  }

  function setUp(desk) {
    const editor = desk.querySelector("textarea");
    const preview = desk.querySelector("[data-app-desk-preview]");
    const note = desk.querySelector("[data-app-desk-note]");
    if (!editor || !preview) return;
    preview.parentElement.hidden = false; // the live preview needs this script

    // Problem links in the preview (re-rendered as the editor types: delegate).
    preview.addEventListener("click", function (event) {
      const link = event.target.closest("a[data-app-line]");
      if (!link) return;
      event.preventDefault();
      goToLine(editor, parseInt(link.getAttribute("data-app-line"), 10));
    });

    // Typing or moving the cursor follows the cursor's line; scrolling the text box with the
    // mouse follows its top line (but not the scroll that comes of moving the cursor).
    let pending = null;
    let caretMovedAt = 0;
    // `share`: how far down the preview the line goes (a third for the cursor, the top for
    // the text box's top line).
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

    // Signed out meanwhile: markdownx would show the login page as the preview.
    desk.addEventListener("markdownx.update", function () {
      // (The login form's own <form> tag is dropped inside this form; its fields remain.)
      const signedOut = Boolean(preview.querySelector('input[name="password"]'));
      desk.closest("form").toggleAttribute("data-app-signed-out", signedOut);
      if (!signedOut) return;
      const message = document.createElement("p");
      message.className = "govuk-body";
      message.textContent = signedOutMessage;
      preview.replaceChildren(message);
    });
    editor.addEventListener("scroll", function () {
      if (Date.now() - caretMovedAt < 300) return;
      later(function () {
        return topLine(editor);
      }, 0);
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

  function guardUnsaved() {
    // Ask before leaving a draft form with changes not yet saved.
    const form = document.getElementById("draft_form");
    if (!form) return;
    let dirty = false;
    form.addEventListener("input", function () {
      dirty = true;
    });
    form.addEventListener("change", function () {
      dirty = true;
    });
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-app-signed-out")) {
        // Saving now would send the text to the login page and lose it.
        event.preventDefault();
        window.alert(signedOutMessage);
        return;
      }
      // Signing in again (in another tab) gives a new CSRF secret: send the current one, or
      // the save is refused and the text lost.
      const cookie = /(?:^|; )csrftoken=([^;]+)/.exec(document.cookie);
      const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (cookie && token) token.value = decodeURIComponent(cookie[1]);
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function start() {
    document.querySelectorAll("[data-app-desk]").forEach(setUp);
    guardUnsaved();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
