// Print helpers. Everything here is an enhancement: without JavaScript the page
// prints with the day the server rendered it and closed <details> stay as the
// browser shows them.
//
// - The server renders only the day ("Friday 21 June 2024"), so a page is the
//   same for every reader all day long and can be cached. When the page is
//   shown, and again before printing (a page may be printed long after it was
//   loaded), the print footer's [data-printed-on] text becomes the reader's
//   local date and time: "Friday 21 June 2024, 10:19pm".
// - Before printing, closed <details> (such as "Show amendments") are opened,
//   and closed again afterwards.
// - Buttons with [data-app-print] print the page.
(function () {
  'use strict';

  var DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  var MONTHS = [
    'January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December'
  ];
  var OPENED_FOR_PRINT = 'data-app-opened-for-print';

  function formatPrintedOn(date) {
    var hours = date.getHours();
    var minutes = date.getMinutes();
    return DAYS[date.getDay()] + ' ' + date.getDate() + ' ' + MONTHS[date.getMonth()] + ' ' +
      date.getFullYear() + ', ' + (hours % 12 || 12) + ':' + (minutes < 10 ? '0' : '') + minutes +
      (hours < 12 ? 'am' : 'pm');
  }

  function stampPrintedOn() {
    var now = formatPrintedOn(new Date());
    var stamps = document.querySelectorAll('[data-printed-on]');
    for (var i = 0; i < stamps.length; i++) {
      stamps[i].textContent = now;
    }
  }

  function beforePrint() {
    stampPrintedOn();

    var closed = document.querySelectorAll('details:not([open])');
    for (var j = 0; j < closed.length; j++) {
      closed[j].setAttribute(OPENED_FOR_PRINT, '');
      closed[j].open = true;
    }
  }

  function afterPrint() {
    var opened = document.querySelectorAll('details[' + OPENED_FOR_PRINT + ']');
    for (var i = 0; i < opened.length; i++) {
      opened[i].open = false;
      opened[i].removeAttribute(OPENED_FOR_PRINT);
    }
  }

  // The script is deferred: the document has been parsed when it runs.
  stampPrintedOn();
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);

  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('[data-app-print]') : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // For tests and other scripts.
  window.appFormatPrintedOn = formatPrintedOn;
})();
