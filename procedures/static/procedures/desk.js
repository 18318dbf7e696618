// The editing desk (templates/admin/procedures/draft/change_form.html and editor_widget.html),
// on top of markdownx's live preview:
// - the keyboard: Tab leaves the text box (markdownx would indent with it; Ctrl+] and Ctrl+[
//   still do), and the preview's links are out of the tab order (the preview is one
//   focusable region), so Tab goes text, preview, summary;
// - the problems that would block publishing stay in view above the text (the preview's list
//   is moved there as the editor types), each link putting the cursor on its line;
// - the preview follows the part being edited;
// - dropped or pasted files are refused with a message (there is no image upload).
// Keeping the text (autosave, presence, the error summary's focus): desk-keeper.js.
// A static file with no inline handlers, as the Content Security Policy requires.
(function () {
  "use strict";

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

  function start() {
    document.querySelectorAll("[data-app-desk]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
