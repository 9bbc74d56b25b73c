#!/usr/bin/env python3
"""Real HTTP requests against a built kommhub site served by nginx with the
configuration in deploy/nginx/ (started by tests/deploy/run.sh):

    python3 tests/deploy/http-checks.py SITE ORIGIN

SITE is the folder nginx serves, ORIGIN its address (http://127.0.0.1:PORT).
Checks what issue 18 promises readers and administrators: pretty URLs and
the 301 for a missing slash, the 404 page of the right language with status
404, every entry of redirects.map answered with a 301 to a page that answers
200, the security headers on HTML, CSS and 404 responses, a year's
`immutable` caching for fingerprinted files only, the precompressed .br and
.gz files sent as they are, and the content types with their charset.
Exits 1 with a list of what failed. Standard library only.
"""

import http.client
import os
import re
import sys
import urllib.parse

FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.(css|js|mjs|woff2|woff)$")
MISSING = "/kommhub-gibt-es-nicht/"
HEADERS = [
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
]

failures = []


def fail(area, message):
    failures.append(f"[{area}] {message}")
    print(f"  ✗ {area}: {message}")


def ok(area, message):
    print(f"  ✓ {area}: {message}")


class Server:
    """One keep-alive connection to nginx; redirects are never followed and
    bodies never decoded, so each answer is checked as nginx sent it."""

    def __init__(self, origin):
        parts = urllib.parse.urlsplit(origin)
        self.host, self.port = parts.hostname, parts.port

    def get(self, target, method="GET", **headers):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, target, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


def read(site, url_path):
    with open(os.path.join(site, url_path.lstrip("/")), "rb") as file:
        return file.read()


def lang_of(body):
    found = re.search(rb'<html[^>]*\blang="([^"]+)"', body)
    return found.group(1).decode() if found else None


def pretty_urls(server, site, page):
    status, headers, body = server.get(page)
    if status == 200 and body == read(site, page + "index.html"):
        ok("pretty URL", f"{page} answers 200 with {page}index.html")
    else:
        fail("pretty URL", f"{page} answered {status}")
    bare = page.rstrip("/")
    status, headers, _ = server.get(bare)
    if status == 301 and headers.get("Location") == page:
        ok("slash", f"{bare} answers 301 to {page}")
    else:
        fail("slash", f"{bare} answered {status} Location {headers.get('Location')}")
    status, headers, _ = server.get(page + "index.html?x=1")
    if status == 301 and headers.get("Location") == page + "?x=1":
        ok("index.html", f"{page}index.html answers 301 to {page} (query kept)")
    else:
        fail("index.html", f"{page}index.html answered {status} {headers.get('Location')}")


def no_index_links(site):
    """Public links name folders, never their index.html."""
    found = []
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith((".html", ".xml")):
                with open(os.path.join(folder, name), "rb") as file:
                    if re.search(rb'(href|src)="[^"]*/index\.html|<loc>[^<]*/index\.html', file.read()):
                        found.append(os.path.relpath(os.path.join(folder, name), site))
    if found:
        fail("links", f"{len(found)} files link an index.html: {', '.join(sorted(found)[:5])}")
    else:
        ok("links", "no page, feed or sitemap links an index.html")


def not_found_pages(server, site, languages):
    for prefix, lang in languages:
        status, _, body = server.get(prefix + MISSING.lstrip("/"))
        page = prefix + "404.html"
        if status == 404 and lang_of(body) == lang and body == read(site, page):
            ok("404", f"{prefix}… answers 404 with {page} (lang {lang})")
        else:
            fail("404", f"{prefix}{MISSING.lstrip('/')} answered {status}, lang {lang_of(body)}, expected 404 and {page}")
    for hidden in ["/redirects.map", "/.kommhub-output"]:
        status, _, _ = server.get(hidden)
        if status == 404:
            ok("hidden", f"{hidden} answers 404")
        else:
            fail("hidden", f"{hidden} answered {status}")
    status, _, _ = server.get("/", method="POST")
    if status == 405:
        ok("methods", "POST answers 405")
    else:
        fail("methods", f"POST answered {status}")


def redirects(server, site):
    entries = re.findall(r'^"([^"]+)" "([^"]+)";$', read(site, "/redirects.map").decode(), re.M)
    if not entries:
        fail("redirects", "redirects.map has no entries to check")
    for old, new in entries:
        status, headers, _ = server.get(old)
        if status != 301 or headers.get("Location") != new:
            fail("redirects", f"{old} answered {status} Location {headers.get('Location')}, expected 301 to {new}")
            continue
        target = urllib.parse.urlsplit(new)
        local = target.path + (f"?{target.query}" if target.query else "")
        status, _, _ = server.get(local)
        if status == 200:
            ok("redirects", f"{old} → 301 {new}, which answers 200 here")
        else:
            fail("redirects", f"{old} leads to {new}, whose path {local} answers {status}")
    with_query = [old for old, _ in entries if "?" in old]
    if with_query:
        ok("redirects", f"{len(with_query)} old address(es) with a query string among them ({with_query[0]})")
    else:
        fail("redirects", "no old address with a query string in redirects.map: the site's content should keep one (aliases:)")


def security_headers(server, responses):
    for what, (target, headers) in responses.items():
        missing = [name for name in HEADERS if not headers.get(name)]
        if missing:
            fail("headers", f"{what} ({target}) lacks {', '.join(missing)}")
            continue
        csp = headers["Content-Security-Policy"]
        problems = []
        if "default-src 'self'" not in csp:
            problems.append("no default-src 'self'")
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append("allows unsafe-inline or unsafe-eval")
        if re.search(r"https?:|\*", csp):
            problems.append("names another host")
        if "frame-ancestors 'none'" not in csp:
            problems.append("no frame-ancestors 'none'")
        if headers["X-Content-Type-Options"] != "nosniff":
            problems.append("X-Content-Type-Options is not nosniff")
        if "max-age=" not in headers["Strict-Transport-Security"]:
            problems.append("HSTS without max-age")
        if problems:
            fail("headers", f"{what} ({target}): {'; '.join(problems)}")
        else:
            ok("headers", f"{what} ({target}) carries all {len(HEADERS)} security headers")


def fingerprinted_of(server, site, page):
    """The style sheets, scripts and fonts a page and its style sheets name."""
    _, _, html = server.get(page)
    names = re.findall(rb'(?:href|src)="(/[^"]+\.(?:css|js|mjs))"', html)
    found = {name.decode() for name in names}
    for sheet in [n for n in list(found) if n.endswith(".css")]:
        css = read(site, sheet).decode("utf-8", "replace")
        folder = sheet.rsplit("/", 1)[0]
        for url in re.findall(r'url\("?([^")]+)"?\)', css):
            if not re.match(r"^[a-z]+:|^/", url):
                found.add(os.path.normpath(f"{folder}/{url}"))
    return sorted(found)


def caching(server, site, page, assets):
    plain = [a for a in assets if not FINGERPRINTED.search(a)]
    if plain:
        fail("caching", f"{page} names files without a content hash: {', '.join(plain)}")
    for asset in assets:
        status, headers, _ = server.get(asset)
        control = headers.get("Cache-Control", "")
        if status == 200 and "immutable" in control and "max-age=31536000" in control:
            ok("caching", f"{asset}: {control}")
        elif FINGERPRINTED.search(asset):
            fail("caching", f"{asset} answered {status} with Cache-Control {control!r}")
    for target in [page, "/atom.xml", "/sitemap.xml", "/style.css"]:
        _, headers, _ = server.get(target)
        control = headers.get("Cache-Control", "")
        if control == "no-cache":
            ok("caching", f"{target}: revalidated (no-cache)")
        else:
            fail("caching", f"{target}: Cache-Control {control!r}, expected no-cache")


def precompressed(server, site, targets):
    for target, file in targets:
        plain = read(site, file)
        for encoding, suffix in [("br", ".br"), ("gzip", ".gz")]:
            status, headers, body = server.get(target, **{"Accept-Encoding": encoding})
            sent = headers.get("Content-Encoding")
            if status == 200 and sent == encoding and body == read(site, file + suffix):
                ok("compression", f"{target} with Accept-Encoding: {encoding} sends {file}{suffix} ({len(body)} of {len(plain)} bytes)")
            else:
                fail("compression", f"{target} with Accept-Encoding: {encoding} answered {status}, Content-Encoding {sent}")
            if "Accept-Encoding" not in headers.get("Vary", ""):
                fail("compression", f"{target} ({encoding}) has no Vary: Accept-Encoding")
        status, headers, body = server.get(target)
        if body != plain or headers.get("Content-Encoding"):
            fail("compression", f"{target} without Accept-Encoding is not the plain file")


def content_types(server, site):
    wanted = {
        ".xml": "application/xml; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
        ".webmanifest": "application/manifest+json; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
    }
    examples = {}
    for folder, dirs, files in os.walk(site):
        dirs.sort()
        for name in sorted(files):
            ext = os.path.splitext(name)[1]
            if ext in wanted and not name.startswith(".") and name != "atom.xml":
                examples.setdefault(ext, "/" + os.path.relpath(os.path.join(folder, name), site))
    examples[".atom"] = "/atom.xml"
    wanted[".atom"] = "application/atom+xml; charset=utf-8"
    for ext, expected in wanted.items():
        if ext not in examples:
            print(f"  - types: the site has no {ext} file to ask for")
            continue
        target = examples[ext]
        if target.endswith("/index.html"):
            target = target[: -len("index.html")]
        _, headers, _ = server.get(target)
        if headers.get("Content-Type") == expected:
            ok("types", f"{target}: {expected}")
        else:
            fail("types", f"{target}: Content-Type {headers.get('Content-Type')!r}, expected {expected!r}")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    site, origin = os.path.abspath(sys.argv[1]), sys.argv[2]
    server = Server(origin)
    page = "/presse/kooperation/"
    if not os.path.isfile(os.path.join(site, page.strip("/"), "index.html")):
        print(f"{site} has no {page}: build the repository's site", file=sys.stderr)
        return 2
    print(f"Checking {site} served by nginx at {origin}")
    pretty_urls(server, site, page)
    no_index_links(site)
    not_found_pages(server, site, [("/", "de"), ("/en/", "en")])
    redirects(server, site)
    assets = fingerprinted_of(server, site, page)
    sheet = next((a for a in assets if a.endswith(".css")), "/style.css")
    responses = {}
    for what, target in [("HTML", page), ("CSS", sheet), ("404", MISSING), ("301", page.rstrip("/"))]:
        responses[what] = (target, server.get(target)[1])
    security_headers(server, responses)
    caching(server, site, page, assets)
    precompressed(server, site, [(page, page + "index.html"), (sheet, sheet), ("/sitemap.xml", "/sitemap.xml")])
    content_types(server, site)
    if failures:
        print(f"\nNGINX CHECKS FAILED ({len(failures)}):")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nAll nginx checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
