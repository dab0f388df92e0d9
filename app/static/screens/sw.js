// The phone page's service worker: the page's own files from a cache, so it opens without a
// network; the API is never cached (punches made offline wait in the page's queue instead).
const CACHE = "fieldclock-shell-v1";
const SHELL = ["/", "/screens/style.css", "/screens/phone.js", "/screens/api.js",
  "/screens/format.js", "/screens/queue.js", "/screens/words.js", "/screens/signin.js", "/screens/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (!SHELL.includes(url.pathname)) return;
  // Network first (a new release shows at once), the cache when there is no network.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() => caches.match(event.request)),
  );
});
