// The printed-on time in the running footer of every printed page. The footer's
// text comes from the version's print stylesheet (link[data-print-margins]),
// made with the server's time when the page loaded; a page may be printed long
// after, so just before printing the time is renewed with the reader's clock.
// Without JavaScript the server's time stays.
(function () {
  'use strict';

  function cssString(text) {
    return '"' + String(text).replace(/[\\"]/g, '\\$&').replace(/[\u0000-\u001f]/g, ' ') + '"';
  }

  window.addEventListener('beforeprint', function () {
    var link = document.querySelector('link[data-print-margins]');
    var stamp = document.querySelector('[data-printed-on]');
    if (!link || !link.sheet) {
      return;
    }
    var now = window.appFormatPrintedOn ? window.appFormatPrintedOn(new Date()) : (stamp && stamp.textContent);
    if (!now) {
      return;
    }
    try {
      link.sheet.insertRule(
        '@page { @bottom-left { content: ' + cssString(link.getAttribute('data-printed-with') || '') +
          ' "Printed on " ' + cssString(now) +
          ' ". Is this still current? Check " ' + cssString(link.getAttribute('data-check-url')) + '; } }',
        link.sheet.cssRules.length
      );
    } catch (error) {
      // An older browser without margin rules in the CSSOM keeps the server's time.
    }
  });
})();
