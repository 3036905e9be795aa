// The service worker that keeps Yim working without a network after one
// visit. It keeps one complete copy of the app (a "build") in the Cache API:
// index.html and every file it names, the fonts its CSS names, the icons
// of the web app manifest, and the guides in Thai that every build carries
// in guides/ (the files named by guides/files.json, which `yim guides`
// writes), so that the home page's link to them works offline too.
//
// The forms are not part of a build: a deployment publishes them as files in
// forms/ (`yim publish`), and may change them without a new build. They live
// in a cache of their own, filled when the worker is installed, so that the
// app lists and opens every form offline from the first visit on. The index
// (forms/index.json) is asked of the network first, like index.html; every
// other form file is asked with its SHA-256 in the URL, so a cached copy is
// always the right one.
//
// How a new version arrives: index.html is always asked from the network
// first. When its text differs from the cached one's (Trunk puts a content
// hash in the name of every file it builds), this is a new build: every
// file of it is fetched into a new cache before the new index.html is given
// to the page, and only then are older builds deleted.
// A page therefore always gets one complete build, old or new, never a mix,
// and a download cut half-way leaves the old build in place. Responses,
// drafts and settings live in IndexedDB and localStorage, which this worker
// never touches.

// Part of every cache name. Changing it (when this file's caching scheme
// changes) makes the next activation delete every cache of the old scheme.
const SCHEME = 'yim-v1-';

// The cache of the published forms, kept across builds.
const FORMS = 'yim-forms-v1';

// How long index.html may take from the network before the cached copy is
// used; a slow rural connection should not keep the app from opening.
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  // The first install stores the build the page is running. If it cannot
  // (the network dropped), the install fails and is tried on the next visit.
  event.waitUntil(
    (async () => {
      const response = await fetch(indexUrl(), { cache: 'no-store' });
      if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
      await storeBuildOnce(response, buildName(await response.clone().text()));
      await storeForms();
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith(SCHEME) && name !== FORMS) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Only reads of this site's own files are answered here; a write, or a
  // request to any other origin, goes to the network untouched.
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The intake's API (yim serve, same origin) always goes to the network: a
  // cached answer would tell the app something arrived, or was refused, when
  // this request never reached the server.
  if (url.pathname.startsWith(new URL(indexUrl()).pathname + 'api/')) return;
  if (request.mode === 'navigate' && isIndex(url)) {
    event.respondWith(openPage(event));
  } else if (isForms(url)) {
    event.respondWith(fromForms(event, url));
  } else {
    event.respondWith(fromBuild(event));
  }
});

// The URL of index.html: the folder this worker was registered for.
function indexUrl() {
  return self.registration.scope;
}

// Whether `url` is the app's page: the scope's folder or its index.html
// (the app keeps its screens in the fragment, which never reaches here).
function isIndex(url) {
  const scope = new URL(indexUrl()).pathname;
  return url.pathname === scope || url.pathname === scope + 'index.html';
}

// Whether `url` is in the published forms folder.
function isForms(url) {
  return url.pathname.startsWith(new URL(indexUrl()).pathname + 'forms/');
}

function formsIndexUrl() {
  return new URL('forms/index.json', indexUrl()).href;
}

// The address of a published file, with its hash, as the app asks for it.
function formFileUrl(file) {
  return new URL(`forms/${file.path}?sha256=${file.sha256}`, indexUrl()).href;
}

// Fetches the published index and every file it names into the forms
// cache, then forgets the files no longer named. A file that fails stops
// the whole: the cache keeps the previous index, whose files are all there.
async function storeForms() {
  const response = await fetch(formsIndexUrl(), { cache: 'no-store' });
  if (!response.ok) throw new Error(`forms/index.json: HTTP ${response.status}`);
  await storeFormsOf(response);
}

async function storeFormsOf(indexResponse) {
  const index = await indexResponse.clone().json();
  const cache = await caches.open(FORMS);
  const wanted = new Set([formsIndexUrl()]);
  for (const file of index.files || []) {
    const url = formFileUrl(file);
    wanted.add(url);
    if (await cache.match(url)) continue;
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await cache.put(url, response);
  }
  await cache.put(formsIndexUrl(), indexResponse);
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url)) await cache.delete(request);
  }
}

// A published form file. The index comes from the network when it answers
// in time, and its files are then stored for offline use; otherwise from
// the cache. A file with its hash in the URL comes from the cache when it
// is there.
async function fromForms(event, url) {
  const cache = await caches.open(FORMS);
  if (url.pathname.endsWith('/forms/index.json')) {
    const network = (async () => {
      const response = await fetch(event.request.url, { cache: 'no-store' });
      if (response.ok) await storeFormsOf(response.clone());
      return response;
    })();
    event.waitUntil(network.catch(() => undefined));
    const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
    try {
      const response = await Promise.race([network, timeout]);
      if (response && response.ok) return response;
    } catch {
      // Offline: the cached index below.
    }
    const cached = await cache.match(formsIndexUrl());
    return cached || network;
  }
  const cached = await cache.match(event.request.url);
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok && url.searchParams.has('sha256')) await cache.put(event.request.url, response.clone());
  return response;
}

// The name of the newest complete build's cache, or undefined before the
// first install.
async function currentBuildName() {
  const names = (await caches.keys()).filter((name) => name.startsWith(SCHEME));
  // caches.keys() lists caches in the order they were made; a build cache is
  // complete once its index.html is in it, which is written last.
  for (const name of names.reverse()) {
    if (await (await caches.open(name)).match(indexUrl())) return name;
  }
  return undefined;
}

// Builds being stored, by cache name, so that two pages opening at once
// store a new build once.
const storing = new Map();

function storeBuildOnce(indexResponse, name) {
  if (!storing.has(name)) {
    const done = storeBuild(indexResponse, name).finally(() => storing.delete(name));
    storing.set(name, done);
  }
  return storing.get(name);
}

// A navigation to the app: index.html from the network when it answers in
// time, switching to its build first if it is a new one; the cached
// index.html otherwise.
async function openPage(event) {
  const network = (async () => {
    const response = await fetch(event.request.url, { cache: 'no-store' });
    if (!response.ok) return response;
    const name = buildName(await response.clone().text());
    if (name === (await currentBuildName())) {
      await (await caches.open(name)).put(indexUrl(), response.clone());
    } else {
      await storeBuildOnce(response.clone(), name);
    }
    return response;
  })();
  // Whatever happens to this page, finishing the download of a new build
  // is worth keeping the worker alive for.
  event.waitUntil(network.catch(() => undefined));
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
  try {
    const response = await Promise.race([network, timeout]);
    if (response && response.ok) return response;
  } catch {
    // Offline, or the new build could not be stored: fall back below.
  }
  const name = await currentBuildName();
  const cached = name && (await (await caches.open(name)).match(indexUrl()));
  if (cached) return cached;
  // Nothing cached yet: wait for the network after all.
  return network;
}

// Any other file, from the current build when it holds it. Trunk names
// the wasm, its JavaScript and the CSS after their contents, so a cached
// copy of those is always right. Other files (boot.js, fonts, icons, the
// manifest) keep their names across versions: the cached copy answers at
// once and a fresh copy replaces it for the next visit. A file the build
// does not hold comes from the network and is kept for offline visits.
async function fromBuild(event) {
  const request = event.request;
  const name = await currentBuildName();
  const cache = name && (await caches.open(name));
  const cached = cache && (await cache.match(request, { ignoreVary: true }));
  if (cached) {
    if (!isHashed(new URL(request.url))) {
      event.waitUntil(
        fetch(request.url, { cache: 'no-store' })
          .then((fresh) => (fresh.ok ? cache.put(request.url, fresh) : undefined))
          .catch(() => undefined),
      );
    }
    return cached;
  }
  const response = await fetch(request);
  if (cache && response.ok && response.type === 'basic') {
    await cache.put(request.url, response.clone());
  }
  return response;
}

// Whether Trunk put a content hash in the file's name (`app-<16 hex>.css`,
// `yim-<16 hex>_bg.wasm`).
function isHashed(url) {
  return /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(url.pathname);
}

// The cache name of the build an index.html belongs to. The page names
// every file of the build by a content hash (and carries their integrity
// hashes), so any new wasm, script or style sheet gives a new page text.
function buildName(html) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < html.length; i++) {
    hash = Math.imul(hash ^ html.charCodeAt(i), 0x01000193);
  }
  return SCHEME + (hash >>> 0).toString(16).padStart(8, '0');
}

// Stores the build of this index.html response: every same-origin file it
// names, the files those name (fonts in CSS, icons in the manifest), and
// last index.html itself, which marks the build complete. Then every older
// build is deleted.
async function storeBuild(indexResponse, name) {
  const html = await indexResponse.clone().text();
  const cache = await caches.open(name);
  try {
    const seen = new Set();
    // The release build minifies index.html, which drops the quotes around
    // attribute values (`src=/boot.js`), so both forms are read.
    const queue = linksOf(html, indexUrl(), /(?:src|href|data-js|data-wasm)=(?:"([^"]+)"|'([^']+)'|([^\s"'`=<>]+))/g);
    queue.push(...(await guideFiles()));
    while (queue.length > 0) {
      const url = queue.shift();
      if (seen.has(url)) continue;
      seen.add(url);
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const type = response.headers.get('content-type') || '';
      if (type.includes('css') || url.endsWith('.css')) {
        queue.push(...linksOf(await response.clone().text(), url, /url\(\s*['"]?([^'")]+)['"]?\s*\)/g));
      } else if (url.endsWith('.webmanifest')) {
        const manifest = await response.clone().json();
        for (const icon of manifest.icons || []) queue.push(new URL(icon.src, url).href);
      }
      await cache.put(url, response);
    }
    await cache.put(indexUrl(), indexResponse);
  } catch (error) {
    // A half-stored build must never be taken for a complete one.
    await caches.delete(name);
    throw error;
  }
  for (const other of await caches.keys()) {
    if (other !== name && other.startsWith(SCHEME)) await caches.delete(other);
  }
}

// The pages, images and style sheet of the guides, as URLs. A host that
// serves the app without guides (no guides/files.json, or its index.html in
// its place, as hosts of single-page apps answer) stores none; any other
// failure stops storing the build, as for its other files.
async function guideFiles() {
  const list = new URL('guides/files.json', indexUrl()).href;
  const response = await fetch(list, { cache: 'no-store' });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`${list}: HTTP ${response.status}`);
  if (!(response.headers.get('content-type') || '').includes('json')) return [];
  const { files } = await response.json();
  return (files || []).map((file) => new URL(file, list).href);
}

// The same-origin URLs that `pattern` finds in `text`, resolved against
// `base`. The worker script itself is left out: the browser fetches it on
// its own to look for updates.
function linksOf(text, base, pattern) {
  const urls = [];
  for (const match of text.matchAll(pattern)) {
    // The pattern's first group that matched holds the link.
    const link = match.slice(1).find((group) => group !== undefined);
    if (link.startsWith('data:') || link.startsWith('#')) continue;
    const url = new URL(link, base);
    if (url.origin !== self.location.origin) continue;
    url.hash = '';
    if (url.pathname.endsWith('/sw.js')) continue;
    urls.push(url.href);
  }
  return urls;
}
