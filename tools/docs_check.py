"""Check that the built documentation reads well in a browser: ``make docs-check``.

Opens every page of the built HTML in headless Chromium at a desktop width
(1280 CSS pixels by default) and measures, after layout, each code block
(``pre``) and table against the page's content column (``[role="main"]``,
the element both Furo and Sphinx's basic themes give the page body):

- a block whose box runs past the column's edge, or a page that scrolls
  sideways, is an error: text there is cut off or runs off the page;
- a code block whose longest line has at most ``--max-columns`` characters
  (88, the examples' line length) must fit without scrolling;
- a longer code line or a wide table may scroll inside its own box, within
  the column: the report lists those, but they are not errors.

Chromium is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: JSON messages ending in NUL, on file
descriptors 3 and 4), so only the standard library is needed. Chromium is
looked for as ``$CHROMIUM``, ``chromium``, ``chromium-browser``,
``google-chrome``; ``--install`` first tries ``apt-get install chromium``
where that is possible. Exit status: 0 all pages pass, 1 a page fails,
2 no Chromium or no built docs.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Runs in the page; returns ``{"errors": [...], "notes": [...]}`` or ``{"missing": ...}``.
MEASURE = r"""
(maxColumns) => {
  const column = document.querySelector('[role="main"]');
  if (!column) return {missing: 'no [role="main"] content column'};
  const errors = [], notes = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    errors.push(`the page scrolls sideways: ${root.scrollWidth}px wide in a ` +
                `${root.clientWidth}px window`);
  }
  const style = getComputedStyle(column), box = column.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const where = (el) => {
    let heading = null;
    for (const h of column.querySelectorAll('h1, h2, h3, h4')) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
    }
    const section = heading ? heading.textContent.replace(/[¶#]\s*$/, '').trim() : 'top';
    const text = el.textContent.trim().split('\n')[0].slice(0, 50);
    return `${el.tagName.toLowerCase()} in "${section}" (${JSON.stringify(text)})`;
  };
  for (const el of column.querySelectorAll('pre, table')) {
    if (el.tagName === 'TABLE' && el.closest('pre, .highlighttable')) continue;
    let scroller = null;
    for (let node = el; node && node !== column; node = node.parentElement) {
      if (scrolls(node)) { scroller = node; break; }
    }
    const shown = (scroller || el).getBoundingClientRect();
    if (shown.right > right + 1 || shown.left < left - 1) {
      errors.push(`${where(el)} runs past the column: ${Math.round(shown.left - left)}px to ` +
                  `${Math.round(shown.right - left)}px in a ${Math.round(right - left)}px column`);
      continue;
    }
    if (!scroller && el.scrollWidth > el.clientWidth + 1) {
      errors.push(`${where(el)} is cut off: ${el.scrollWidth}px of content in a ` +
                  `${el.clientWidth}px box that does not scroll`);
      continue;
    }
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) {
      const longest = Math.max(...el.textContent.split('\n').map((line) => line.length));
      const what = `${where(el)} scrolls inside the column (${scroller.scrollWidth}px of ` +
                   `content in ${scroller.clientWidth}px`;
      if (el.tagName === 'PRE' && longest <= maxColumns) {
        errors.push(`${what}): a ${longest}-column line must fit`);
      } else {
        notes.push(`${what}${el.tagName === 'PRE' ? `, longest line ${longest} columns` : ''})`);
      }
    }
  }
  return {errors, notes};
}
"""


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe."""

    def __init__(self, executable: str, width: int, height: int, timeout: float) -> None:
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._profile = tempfile.TemporaryDirectory(prefix="docs-check-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4: move the pipe
        # ends out of the way first, so that the dup2 calls cannot clobber each other.
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
        for fd in (to_browser_read, from_browser_write):
            os.close(fd)

        def as_fds_3_and_4() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self._process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # close_fds would close 3 and 4 after preexec_fn; the pipe ends of this
            # process are close-on-exec (os.pipe), so nothing else leaks.
            preexec_fn=as_fds_3_and_4,
            close_fds=False,
        )
        os.close(child_in)
        os.close(child_out)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self.call("Page.enable", session=True)
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics, session=True)

    def _send(self, method: str, params: dict[str, Any], session: bool) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], self.timeout)
            chunk = os.read(self._from_browser, 1 << 16) if ready else b""
            if not chunk:
                raise RuntimeError("Chromium stopped answering (timed out or exited)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        result: dict[str, Any] = json.loads(message)
        return result

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False
    ) -> dict[str, Any]:
        """Send one command and return its result, skipping events."""
        wanted = self._send(method, params or {}, session)
        while True:
            message = self._receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    def measure(self, url: str, max_columns: int) -> dict[str, Any]:
        """Load ``url``, wait for its load event and fonts, and run :data:`MEASURE`."""
        self._send("Page.navigate", {"url": url}, session=True)
        while self._receive().get("method") != "Page.loadEventFired":
            pass
        expression = f"document.fonts.ready.then(() => ({MEASURE})({max_columns}))"
        evaluated = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=True,
        )
        if "exceptionDetails" in evaluated:
            raise RuntimeError(f"measuring {url} failed: {evaluated['exceptionDetails']}")
        value: dict[str, Any] = evaluated["result"]["value"]
        return value

    def close(self) -> None:
        try:
            self._send("Browser.close", {}, session=False)
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()


def find_chromium(install: bool) -> str | None:
    """The Chromium executable; with ``install``, apt-get it first if it is missing."""
    candidates = [os.environ.get("CHROMIUM", ""), *BROWSERS]
    found = next((shutil.which(name) for name in candidates if name and shutil.which(name)), None)
    if found or not install:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("docs-check: no Chromium found; trying apt-get install chromium", flush=True)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["update", "-qq"], ["install", "-y", "-qq", "chromium"]):
            subprocess.run(["apt-get", *command], env=environment, stdout=subprocess.DEVNULL)
    return next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("html", type=Path, nargs="?", default=Path("docs/_build/html"))
    parser.add_argument("--width", type=int, default=1280, help="window width in CSS pixels")
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--max-columns", type=int, default=88, help="code lines that must fit")
    parser.add_argument("--install", action="store_true", help="apt-get Chromium if missing")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per browser step")
    args = parser.parse_args(argv)

    pages = sorted(
        page
        for page in args.html.rglob("*.html")
        if not page.relative_to(args.html).parts[0].startswith("_")
    )
    if not pages:
        print(f"docs-check: no HTML pages under {args.html}; run `make docs` first")
        return 2
    chromium = find_chromium(args.install)
    if chromium is None:
        print(
            "docs-check: Chromium is needed and none was found (tried $CHROMIUM, "
            + ", ".join(BROWSERS)
            + "). Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM=/path."
        )
        return 2

    browser = Browser(chromium, args.width, args.height, args.timeout)
    failed = 0
    try:
        for page in pages:
            name = page.relative_to(args.html)
            found = browser.measure(page.resolve().as_uri(), args.max_columns)
            errors = [found["missing"]] if "missing" in found else found["errors"]
            failed += bool(errors)
            print(f"{'FAIL' if errors else 'ok  '} {name}")
            for error in errors:
                print(f"     error: {error}")
            for note in found.get("notes", []):
                print(f"     note:  {note}")
    finally:
        browser.close()
    print(
        f"docs-check: {len(pages) - failed} of {len(pages)} pages pass at {args.width}px "
        f"(code lines up to {args.max_columns} columns must fit)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
