/* tipoff service worker: keeps the app shell for offline use.
 *
 * Only static files and the offline page are ever stored. Pages are always
 * fetched from the network and never stored: report forms, receipts and the
 * follow-up pages carry a reporter's data. Requests other than GET are not
 * touched at all.
 */
"use strict";

const VERSION = {{ version|safe }};
const CACHE = "tipoff-shell-" + VERSION;
const SHELL = {{ shell|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const STATIC_PREFIX = "/static/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("tipoff-") && name !== CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Network only; when there is no network, the offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX) && !url.search) {
    // Cache first, refreshed in the background so a changed file arrives next time.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(request).then((cached) => {
        const refresh = fetch(request).then((response) => {
          if (response.ok && response.type === "basic") {
            cache.put(request, response.clone());
          }
          return response;
        });
        if (cached) {
          refresh.catch(() => undefined);
          return cached;
        }
        return refresh;
      }))
    );
  }
});
