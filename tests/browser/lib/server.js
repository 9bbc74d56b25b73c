'use strict';
// A small static server for the built site: 127.0.0.1 only, a free port,
// pretty URLs (/presse/ -> presse/index.html, /presse -> 301 /presse/),
// and the 404 page of the address's language with status 404.

const fs = require('fs');
const http = require('http');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
};

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}
function isDir(p) {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

/** The 404 page for `urlPath`: `/<lang>/404.html` when it exists, else `/404.html`. */
function notFoundFile(root, urlPath) {
  const first = urlPath.split('/').filter(Boolean)[0];
  if (first && /^[a-z]{2,3}(-[a-z0-9]+)?$/i.test(first)) {
    const localized = path.join(root, first, '404.html');
    if (isFile(localized)) return localized;
  }
  const fallback = path.join(root, '404.html');
  return isFile(fallback) ? fallback : null;
}

/**
 * Starts serving `root`. Resolves to { origin, close }. The server also
 * closes itself after `lifetimeMs` so that it never outlives the test.
 * With KOMMHUB_TEST_ORIGIN set (http://127.0.0.1:PORT), that server is
 * used instead and nothing is started.
 */
function startServer(root, { lifetimeMs = 15 * 60 * 1000 } = {}) {
  // deploy/test.sh runs the tests once more against nginx with the
  // production configuration (deploy/nginx/), which serves the same folder.
  const external = process.env.KOMMHUB_TEST_ORIGIN;
  if (external) return Promise.resolve({ origin: external.replace(/\/$/, ''), close: () => Promise.resolve() });
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      const body = fs.readFileSync(file);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = (urlPath) => {
      const file = notFoundFile(root, urlPath);
      if (file) return send(404, file);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    const target = path.join(root, path.normalize(urlPath));
    if (target !== root && !target.startsWith(root + path.sep)) return notFound('/');
    if (isDir(target)) {
      if (!urlPath.endsWith('/')) {
        res.writeHead(301, { Location: urlPath + '/' });
        return res.end();
      }
      const index = path.join(target, 'index.html');
      return isFile(index) ? send(200, index) : notFound(urlPath);
    }
    if (isFile(target)) return send(200, target);
    return notFound(urlPath);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const timer = setTimeout(() => close(), lifetimeMs);
      timer.unref();
      let closed = false;
      function close() {
        if (closed) return Promise.resolve();
        closed = true;
        clearTimeout(timer);
        return new Promise((done) => {
          server.close(() => done());
          if (server.closeAllConnections) server.closeAllConnections();
        });
      }
      resolve({ origin: `http://127.0.0.1:${port}`, close });
    });
  });
}

/**
 * Collects what the browser reports about the Content-Security-Policy in
 * the console of every page of `context` ("Refused to load … because it
 * violates the following Content Security Policy directive"). Our static
 * server sends no policy; nginx (deploy/nginx/) does.
 */
function watchCsp(context) {
  const violations = [];
  const watch = (page) => page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  context.pages().forEach(watch);
  context.on('page', watch);
  return violations;
}

module.exports = { startServer, watchCsp };
