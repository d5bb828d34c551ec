// MyTodoList's service worker (scope /app/): the app shell (precache.json, written by the build)
// and the site's config.json are cached at install, so the app opens offline; the page itself
// keeps the last to-do list. The API and S3 are never cached here.
// The build puts the hashed bundle name in the string below: every build gets a new worker and a new
// cache, and the old cache is dropped when it activates.
const CACHE = `mytodolist-${"main.js"}`;
const CONFIG = "/config.json";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const files = await (await fetch("./precache.json", { cache: "no-cache" })).json();
      const cache = await caches.open(CACHE);
      await cache.addAll(["./", CONFIG, ...files.map((file) => `./${file}`)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  const shell = url.pathname.startsWith("/app/") || url.pathname === CONFIG;
  if (!shell) return;
  // Hashed bundles never change: cache first. Everything else: network first, cache when offline.
  const hashed = /-[A-Z0-9]{8}\.(js|css)$/.test(url.pathname);
  event.respondWith(hashed ? cacheFirst(event.request) : networkFirst(event.request));
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: true });
    if (cached) return cached;
    if (request.mode === "navigate") {
      const shell = await caches.match("./");
      if (shell) return shell;
    }
    throw error;
  }
}
