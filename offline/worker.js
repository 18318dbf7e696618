// The service worker that keeps a saved copy of the manual for reading without a connection.
//
// - Pages: the network first; when it fails or takes longer than TIMEOUT, the saved copy,
//   marked (data-saved-copy on <html>) so that offline.js says on the page that it is a saved
//   copy, when it was saved and which version each chapter is.
// - The copy is filled only from offline/copy.json's list, fetched without cookies: nothing
//   shown only to a signed-in user is ever stored, and the admin, the email sign-up forms and
//   anything but GET never pass through here at all.
// - Each save goes into a new cache, written in full before the old one is deleted, so a page
//   never meets a half-saved copy. The list's ETag changes with any change to the manual (the
//   page-cache stamp), the partnership or the day; an unchanged list means an unchanged copy.
// - The latest choice wins. Choosing a partnership (or none) installs this worker from that
//   partnership's address, and the install records the choice with its time. A worker of an
//   older choice may still be saving (a check its pages started): it gives up as soon as it
//   sees the choice is no longer its own, and a copy's name begins with its choice's time, so
//   the newest choice's copy is the one read even while an older one is being removed.
'use strict';

var COPY = 'offline-copy-';
var SAVED = '/offline/saved-copy';
var CHOICE = 'offline-choice';
var CHOSEN = '/offline/chosen';
// A copy still being written this long after it was started was left by a stopped worker.
var ABANDONED = 10 * 60 * 1000;
var TIMEOUT = 4000;
var LIST = new URL('offline/copy.json', self.location).href;
var NEVER = /^\/(?:p\/[a-z0-9-]+\/)?(?:admin|markdownx|updates|healthz|accounts)\//;

self.addEventListener('install', function (event) {
  // A copy that cannot be saved now (offline, say) is saved on the next visit online.
  event.waitUntil(choose().then(check).catch(function () {}).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', function (event) {
  if (event.data && event.data.type === 'check') {
    // A page back online asks for a check of its own: one already running may have started
    // while the network was still down.
    var previous = running || Promise.resolve();
    event.waitUntil(previous.catch(function () {}).then(check).catch(function () {}));
  }
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || NEVER.test(url.pathname)) {
    return;
  }
  var isPage = request.mode === 'navigate';
  var answer = networkFirst(request, isPage);
  event.respondWith(answer.then(function (found) { return found.response; }));
  if (isPage) {
    // Reading online keeps the copy up to date; an unchanged list costs a 304.
    event.waitUntil(answer.then(function (found) {
      return found.fromNetwork ? delay(1000).then(check) : null;
    }).catch(function () {}));
  }
});

function delay(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

// { response, fromNetwork }: the network's answer, or the saved copy's when the network
// fails or is slow.
async function networkFirst(request, isPage) {
  var network = fetch(request);
  var first = await Promise.race([
    network.then(function (response) { return { response: response }; },
      function (error) { return { error: error }; }),
    delay(TIMEOUT).then(function () { return { late: true }; })
  ]);
  if (first.response) {
    return { response: first.response, fromNetwork: true };
  }
  var saved = await fromCopy(request, isPage);
  if (saved) {
    network.catch(function () {});
    return { response: saved, fromNetwork: false };
  }
  if (first.error) {
    return { response: await (isPage ? notSaved(first.error) : Promise.reject(first.error)) };
  }
  try {
    return { response: await network, fromNetwork: true };
  } catch (error) {
    return { response: await (isPage ? notSaved(error) : Promise.reject(error)) };
  }
}

// This worker's list is the reader's choice from now on.
async function choose() {
  var choice = { list: LIST, at: Date.now() };
  await (await caches.open(CHOICE)).put(CHOSEN, json(choice));
  return choice;
}

// The latest choice, if it is this worker's; null when a later choice belongs to another.
async function ownChoice() {
  var found = await (await caches.open(CHOICE)).match(CHOSEN);
  var choice = found ? await found.json() : null;
  if (choice && choice.list === LIST) {
    return choice;
  }
  // No choice recorded, or the worker that recorded one never took over (its install
  // failed): the registration's one active worker is the choice.
  var registration = self.registration;
  var alone = !registration.installing && !registration.waiting && registration.active &&
    registration.active.scriptURL === self.location.href;
  return alone ? choose() : null;
}

// "offline-copy-v2-<time of the choice>-<time of the save>": sorted, the latest choice's
// latest save comes first (and before the copies named by an earlier worker, by time alone).
function copyName(choice) {
  return COPY + 'v2-' + String(choice.at).padStart(15, '0') + '-' +
    String(Date.now()).padStart(15, '0');
}

function startedAt(name) {
  return Number(name.slice(COPY.length).split('-').pop()) || 0;
}

function copyNames(names) {
  return names.filter(function (name) { return name.indexOf(COPY) === 0; }).sort().reverse();
}

// The newest complete copy: { cache, list } or null.
async function savedCopy() {
  var names = copyNames(await caches.keys());
  for (var i = 0; i < names.length; i++) {
    var cache = await caches.open(names[i]);
    var saved = await cache.match(SAVED);
    if (saved) {
      return { name: names[i], cache: cache, list: await saved.json() };
    }
  }
  return null;
}

async function fromCopy(request, isPage) {
  var copy = await savedCopy();
  if (!copy) {
    return null;
  }
  var url = new URL(request.url);
  var addresses = [url.pathname];
  // A page asked for without the partnership's /p/ prefix is that partnership's page (the
  // chosen partnership's cookie would have redirected there).
  if (copy.list.base !== '/' && url.pathname.indexOf('/p/') !== 0 && url.pathname.indexOf('/static/') !== 0) {
    addresses.push(copy.list.base.slice(0, -1) + url.pathname);
  }
  for (var i = 0; i < addresses.length; i++) {
    var found = await copy.cache.match(addresses[i], { ignoreSearch: true });
    if (found) {
      return isPage ? marked(found, 'saved') : found;
    }
  }
  return null;
}

// A page the copy does not hold: the copy's "Reading offline" page, saying so.
async function notSaved(error) {
  var copy = await savedCopy();
  var page = copy && copy.list.pages.filter(function (each) { return /\/offline\/$/.test(each.url); })[0];
  var found = page && await copy.cache.match(page.url);
  if (!found) {
    throw error;
  }
  return marked(found, 'missing');
}

async function marked(response, state) {
  var html = (await response.text()).replace('<html ', '<html data-saved-copy="' + state + '" ');
  return new Response(html, {
    status: 200,
    headers: { 'Content-Type': response.headers.get('Content-Type') || 'text/html; charset=utf-8' }
  });
}

// One check at a time: the install, the pages read online and the pages' "back online"
// messages all share the one running.
var running = null;

function check() {
  if (!running) {
    running = save().finally(function () { running = null; });
  }
  return running;
}

// Every open page hears of chapters superseded since the copy was saved (at once, before
// the new copy is fetched) and of each finished check.
async function tell(message) {
  var pages = await self.clients.matchAll({ type: 'window' });
  pages.forEach(function (page) { page.postMessage(message); });
}

function get(url) {
  return fetch(url, { credentials: 'omit', cache: 'no-cache', redirect: 'error' });
}

function storable(response) {
  var control = response.headers.get('Cache-Control') || '';
  return response.ok && response.type === 'basic' && !/private|no-store/.test(control);
}

// Chapters whose version in the saved copy is no longer the current one.
function changes(before, after) {
  if (!before) {
    return [];
  }
  var now = {};
  after.chapters.forEach(function (chapter) { now[chapter.slug] = chapter; });
  return before.chapters.filter(function (chapter) {
    var current = now[chapter.slug];
    return !current || current.version !== chapter.version;
  }).map(function (chapter) {
    var current = now[chapter.slug];
    return {
      url: chapter.url,
      title: chapter.number + ' ' + chapter.title,
      from: chapter.version,
      to: current ? current.version : null,
      current: current ? current.url : null
    };
  });
}

async function save() {
  var choice = await ownChoice();
  if (!choice) {
    return;
  }
  var response = await get(LIST);
  if (!storable(response)) {
    throw new Error('The list of what to save could not be fetched.');
  }
  var text = await response.text();
  var list = JSON.parse(text);
  list.edition = response.headers.get('ETag') || text;
  var copy = await savedCopy();
  var before = copy && copy.list.base === list.base ? copy.list : null;
  var changed = changes(before, list);
  if (changed.length) {
    await tell({ type: 'changes', changed: changed });
  }
  if (before && before.edition === list.edition) {
    if (!(await ownChoice())) {
      return;
    }
    before.checkedAt = new Date().toISOString();
    await copy.cache.put(SAVED, json(before));
    await tell({ type: 'checked' });
    return;
  }
  var name = copyName(choice);
  var cache = await caches.open(name);
  try {
    var addresses = list.pages.map(function (page) { return page.url; })
      .concat(list.chapters.map(function (chapter) { return chapter.url; }))
      // Each chapter's running header and footer, for printing from the copy.
      .concat(list.chapters.map(function (chapter) { return chapter.print; }).filter(Boolean))
      .concat(list.assets);
    // Two at a time: a gentle load on the server, however many readers start at once.
    var queue = addresses.slice();
    var fetcher = async function () {
      for (var address = queue.shift(); address; address = queue.shift()) {
        var fetched = await get(address);
        if (!storable(fetched)) {
          throw new Error('Could not save ' + address);
        }
        await cache.put(address, fetched);
      }
    };
    await Promise.all([fetcher(), fetcher()]);
    if (!(await ownChoice())) {
      // Chosen otherwise while this copy was being saved: the later choice's copy wins.
      throw new Error('A later choice replaced this one.');
    }
    list.savedAt = list.checkedAt = new Date().toISOString();
    await cache.put(SAVED, json(list));
  } catch (error) {
    await caches.delete(name);
    throw error;
  }
  await removeOlder(name);
  await tell({ type: 'checked' });
}

// Removes the complete copies that come after this one (older choices, older saves) and
// copies abandoned half-written. A copy still being written is left to finish or give up.
async function removeOlder(name) {
  var names = copyNames(await caches.keys());
  var now = Date.now();
  await Promise.all(names.map(async function (each) {
    if (each === name) {
      return;
    }
    var complete = await (await caches.open(each)).match(SAVED);
    if (complete ? each < name : now - startedAt(each) > ABANDONED) {
      await caches.delete(each);
    }
  }));
}

function json(value) {
  return new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });
}
