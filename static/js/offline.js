// Reading offline (the one feature that needs JavaScript): starts the service worker that
// keeps a saved copy of the manual, and says so on every page read from that copy.
//
// - A page from the saved copy (the worker marks it: <html data-saved-copy>) gets a notice:
//   it is a saved copy, when it was saved, this chapter's version and every chapter's version.
// - Back online, the worker compares the copy with the manual at once. A chapter read from the
//   copy that has a newer version since is flagged and reloaded from the network, and the
//   reloaded page says that it changed since it was saved; the copy itself is refreshed.
(function () {
  'use strict';

  var script = document.currentScript;
  var status = document.getElementById('app-offline-status');
  if (!script || !('serviceWorker' in navigator) || !window.caches) {
    if (status) {
      status.textContent = 'This browser cannot keep a saved copy.';
    }
    return;
  }
  var COPY = 'offline-copy-';
  var SAVED = '/offline/saved-copy';
  var CHANGED = 'app-offline-changed:';
  var state = document.documentElement.getAttribute('data-saved-copy');
  var place = document.getElementById('app-offline-notice');

  navigator.serviceWorker.register(script.getAttribute('data-worker'), { scope: '/' })
    .catch(function () {});

  function savedCopy() {
    return caches.keys().then(function (names) {
      names = names.filter(function (name) { return name.indexOf(COPY) === 0; }).sort().reverse();
      return names.reduce(function (found, name) {
        return found.then(function (list) {
          return list || caches.open(name).then(function (cache) {
            return cache.match(SAVED);
          }).then(function (response) { return response ? response.json() : null; });
        });
      }, Promise.resolve(null));
    });
  }

  var DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

  // "1 June 2024" for a day ("2024-06-01").
  function day(iso) {
    var parts = iso.split('-');
    return Number(parts[2]) + ' ' + MONTHS[Number(parts[1]) - 1] + ' ' + parts[0];
  }

  // "Monday 30 November 2026 at 9:05am", in the reader's time.
  function when(iso) {
    var date = new Date(iso);
    var minutes = date.getMinutes();
    return DAYS[date.getDay()] + ' ' + date.getDate() + ' ' + MONTHS[date.getMonth()] + ' ' +
      date.getFullYear() + ' at ' + (date.getHours() % 12 || 12) + ':' +
      (minutes < 10 ? '0' : '') + minutes + (date.getHours() < 12 ? 'am' : 'pm');
  }

  function today() {
    var now = new Date();
    return now.getFullYear() + '-' + ('0' + (now.getMonth() + 1)).slice(-2) + '-' +
      ('0' + now.getDate()).slice(-2);
  }

  // The chapter this page shows, found by address (with or without the /p/ prefix).
  function thisChapter(list) {
    var path = location.pathname;
    return list.chapters.filter(function (chapter) {
      return chapter.url === path || chapter.url === list.base.slice(0, -1) + path;
    })[0];
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function banner(title, heading, success) {
    var region = element('div', 'govuk-notification-banner app-offline-notice' +
      (success ? ' govuk-notification-banner--success' : ''));
    region.setAttribute('role', success ? 'alert' : 'region');
    region.setAttribute('aria-labelledby', 'app-offline-title');
    var header = element('div', 'govuk-notification-banner__header');
    var titleNode = element('h2', 'govuk-notification-banner__title', title);
    titleNode.id = 'app-offline-title';
    header.appendChild(titleNode);
    var content = element('div', 'govuk-notification-banner__content');
    content.appendChild(element('p', 'govuk-notification-banner__heading', heading));
    region.appendChild(header);
    region.appendChild(content);
    place.textContent = '';
    place.appendChild(region);
    return content;
  }

  function versionsList(list) {
    var details = element('details', 'govuk-details');
    var summary = element('summary', 'govuk-details__summary');
    summary.appendChild(element('span', 'govuk-details__summary-text',
      'Versions in this saved copy (' + list.chapters.length + ' chapters)'));
    var text = element('div', 'govuk-details__text');
    var items = element('ul', 'govuk-list');
    list.chapters.forEach(function (chapter) {
      items.appendChild(element('li', '', chapter.number + ' ' + chapter.title + ': version ' +
        chapter.version + ', effective ' + day(chapter.effective)));
    });
    text.appendChild(items);
    details.appendChild(summary);
    details.appendChild(text);
    return details;
  }

  function showSavedCopy(list) {
    var heading = state === 'missing'
      ? 'You are offline and this page is not in the saved copy.'
      : 'You are reading a saved copy, saved on ' + when(list.savedAt) + '.';
    var content = banner('Saved copy', heading);
    var caution = 'It may not be the current version: connect to the internet to check.';
    if (list.checkedAt && list.checkedAt !== list.savedAt) {
      caution = 'It was last checked as current on ' + when(list.checkedAt) + '. ' + caution;
    }
    if (list.partnership) {
      caution += ' Local information is for ' + list.partnership.name + '.';
    }
    content.appendChild(element('p', 'govuk-body', caution));
    var chapter = thisChapter(list);
    if (chapter) {
      var line = 'This chapter is version ' + chapter.version + ', effective ' +
        day(chapter.effective) + '.';
      if (chapter.replaced_on && chapter.replaced_on <= today()) {
        line += ' A newer version took effect on ' + day(chapter.replaced_on) +
          ' and is not in the saved copy: do not rely on this one.';
      }
      content.appendChild(element('p', 'govuk-body app-offline-version', line));
    }
    content.appendChild(versionsList(list));
    var about = list.pages.filter(function (page) { return /\/offline\/$/.test(page.url); })[0];
    if (about && state !== 'missing') {
      var more = element('p', 'govuk-body');
      var link = element('a', 'govuk-notification-banner__link', 'How the saved copy works');
      link.href = about.url;
      more.appendChild(link);
      content.appendChild(more);
    }
  }

  function showChanged(change) {
    var content = banner('Updated', 'This chapter has changed since your copy was saved.', true);
    content.appendChild(element('p', 'govuk-body', 'Your saved copy had version ' + change.from +
      (change.savedAt ? ', saved on ' + when(change.savedAt) : '') + '. ' +
      (change.to ? 'This is version ' + change.to + ', the current version; your saved copy ' +
        'is being updated to it.'
        : 'The chapter is no longer in the manual.')));
  }

  // Back online, the worker checks the copy and tells every open page what changed.
  function checkWhenOnline(list) {
    var shown = thisChapter(list);
    var flagged = false;

    function flag(change) {
      if (flagged) {
        return;
      }
      // Never leave a superseded version on screen as if it were current.
      flagged = true;
      change.savedAt = list.savedAt;
      var address = change.current || location.pathname;
      sessionStorage.setItem(CHANGED + address, JSON.stringify(change));
      banner('Updated', (change.to ? 'Version ' + change.to + ' of this chapter was published'
        : 'This chapter was withdrawn') + ' after your copy was saved. Loading the current page.',
      true);
      location.replace(address);
    }

    navigator.serviceWorker.addEventListener('message', function (event) {
      var data = event.data || {};
      checked = checked || data.type === 'checked';
      if (state === 'missing' && data.type === 'checked') {
        // The connection is back: the page asked for can be read now.
        location.reload();
        return;
      }
      if (!shown) {
        return;
      }
      if (data.type === 'changes') {
        data.changed.filter(function (each) { return each.url === shown.url; }).forEach(flag);
      } else if (data.type === 'checked') {
        savedCopy().then(function (now) {
          var current = now && now.chapters.filter(function (each) {
            return each.slug === shown.slug;
          })[0];
          if (now && (!current || current.version !== shown.version)) {
            flag({
              from: shown.version,
              to: current ? current.version : null,
              current: current ? current.url : null
            });
          }
        });
      }
    });
    navigator.serviceWorker.startMessages();

    function ask() {
      navigator.serviceWorker.ready.then(function (registration) {
        registration.active.postMessage({ type: 'check' });
      });
    }
    // Whether the connection is back is known only by trying: "online" may come before the
    // connection carries anything or never come at all, and navigator.onLine may say true
    // while nothing gets through. So until a check gets through, this page asks again every
    // few seconds while it is in view (offline, each try fails at once, costing nothing); once
    // one has, now and then. "online" and coming back into view ask at once.
    var checked = false;
    function keepAsking() {
      if (!checked && !document.hidden) {
        ask();
      }
      window.setTimeout(keepAsking, checked ? 15000 : 2000);
    }
    window.addEventListener('online', function () {
      checked = false;
      ask();
    });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && !checked) {
        ask();
      }
    });
    keepAsking();
  }

  // The "Reading offline" page says what this browser holds.
  if (status) {
    savedCopy().then(function (list) {
      status.textContent = list
        ? 'This browser holds a saved copy, saved on ' + when(list.savedAt) + ', of ' +
          list.chapters.length + ' chapters' + (list.partnership
            ? ' with ' + list.partnership.name + '\'s local information and contacts.' : '.')
        : 'This browser holds no saved copy yet. It is saved in the background while you ' +
          'read online: look again in a minute.';
    });
  }

  if (state) {
    savedCopy().then(function (list) {
      if (list) {
        showSavedCopy(list);
        checkWhenOnline(list);
      }
    });
  } else {
    var key = CHANGED + location.pathname;
    var change = sessionStorage.getItem(key);
    if (change) {
      sessionStorage.removeItem(key);
      showChanged(JSON.parse(change));
    }
  }
})();
