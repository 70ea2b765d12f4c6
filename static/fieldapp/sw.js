// The technician app's service worker: pages network-first with a cached copy for when there
// is no signal; static files cache-first. Writes never go through here: they wait in the
// IndexedDB outbox (outbox.js), since Background Sync exists only in Chromium.
//
// Pages are people's data (customers' names, addresses, phones), so their copies belong to one
// signed-in user and one session (issue 26). Every page the server sends to a signed-in user
// carries X-Offline-Cache, a key of the user and the session: a page is kept only in the cache
// named after the key it came with, and offline only the cache of the last key seen is read.
// An answer without a key (signed out, session over) drops every kept page; so does the
// logout form and every signed-out page (static/fieldservice/session.js). Offline with no copy
// for the current key, the worker shows the offline notice, never another user's page.
const STATIC = "fieldservice-tech-static-v2";
const PAGES = "fieldservice-tech-pages-"; // + the key of the signed-in user and session
const WHO = "fieldservice-tech-who"; // one entry: the key of the last page seen
const WHO_URL = "/tech/who";
const OFFLINE = "/tech/offline/";
// Fetched by the browser without cookies, so its answer never carries a key: kept out of here,
// or installing the app would read as signing out and drop the kept pages.
const MANIFEST = "/tech/manifest.webmanifest";
// The scripts' words: the same for everyone in one language, and asked for with ?l=<language>,
// so each language is its own cached copy and switching language fetches the new one.
const CATALOG = "/jsi18n/";
const KEY = /^[0-9a-f]{16,64}$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.add(OFFLINE)).catch(() => {}));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // Drops the caches of earlier versions, among them the one that kept pages for anybody.
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key !== STATIC && key !== WHO && !key.startsWith(PAGES))
      .map((key) => caches.delete(key)))));
  self.clients.claim();
});

async function who() {
  const hit = await caches.match(WHO_URL, { cacheName: WHO });
  const key = hit ? await hit.text() : "";
  return KEY.test(key) ? key : "";
}

async function forget(keep) {
  const keys = await caches.keys();
  await Promise.all(keys.filter((key) => key.startsWith(PAGES) && key !== PAGES + keep)
    .map((key) => caches.delete(key)));
}

async function remember(key) {
  if ((await who()) === key) return;
  await forget(key);
  const cache = await caches.open(WHO);
  await cache.put(WHO_URL, new Response(key, { headers: { "Content-Type": "text/plain" } }));
}

async function signedOut() {
  await caches.delete(WHO);
  await forget("");
}

async function keepOfflineNotice() {
  const cache = await caches.open(STATIC);
  if (!(await cache.match(OFFLINE))) await cache.add(OFFLINE);
}

async function keep(request, response) {
  if (request.mode === "navigate") keepOfflineNotice().catch(() => {});
  const key = response.headers.get("X-Offline-Cache") || "";
  if (KEY.test(key)) {
    await remember(key);
    if (response.ok) await (await caches.open(PAGES + key)).put(request, response);
  } else if (response.type === "opaqueredirect" || response.status < 500) {
    // The server answered for nobody (a 5xx from a proxy says nothing about who is signed in).
    await signedOut();
  }
}

async function offline(request) {
  const key = await who();
  if (key && await caches.has(PAGES + key)) {
    const hit = await (await caches.open(PAGES + key)).match(request);
    if (hit) return hit;
  }
  if (request.mode !== "navigate") return Response.error();
  return (await caches.match(OFFLINE, { cacheName: STATIC })) || new Response(
    "No connection.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === OFFLINE || url.pathname === MANIFEST) return; // the same for everyone
  if (url.pathname.startsWith("/static/") || url.pathname === CATALOG) {
    event.respondWith(caches.match(request, { cacheName: STATIC }).then(
      (hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(STATIC).then((cache) => cache.put(request, copy)));
        }
        return response;
      })));
    return;
  }
  if (url.pathname.startsWith("/tech/")) {
    event.respondWith(fetch(request).then((response) => {
      event.waitUntil(keep(request, response.clone()).catch(() => {}));
      return response;
    }, () => offline(request)));
  }
});
