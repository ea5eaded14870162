#!/usr/bin/env python3
"""Open rendered dossier pages in headless Chromium: screenshots + console errors.

Not a CI test: a script to run by hand after touching summariser/render.py or
its templates. It renders two hand-made dossiers (tests/dossier_factory.py):
the realistic five-seed dossier and a hostile article full of <script>, loads
each page from file:// in Debian's ``chromium``, and reports

* console errors and warnings, uncaught exceptions, browser log errors
  (a Content-Security-Policy violation lands here: it means the page tried to
  load or run something it should not) and JavaScript dialogs (an ``alert()``
  from article text would mean escaping failed);
* what the page holds (sections, <mark> highlights, <script> elements);
* screenshots: top of the page, a cited span after following a source link,
  and the page in print media.

Chromium is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: NUL-separated JSON on fds 3 and 4), which needs
no websocket library and opens no port.

    .venv/bin/python bench/check_render.py [--out DIR] [--chromium PATH] [--page FILE.html ...]

Exit code 0 when both pages load without errors, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from dossier_factory import hostile_dossier, seed_dossier  # noqa: E402

from summariser.render import render_html  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root in a container
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]
VIEWPORT = {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False}
TIMEOUT_S = 30.0
SECTION_SHOTS = ("stances", "statements", "disputes", "entities")


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, chromium: str, user_data_dir: str):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:
            # In the child: the protocol expects fds 3 (commands in) and 4
            # (replies out). Copy both out of the way first, since a pipe end
            # may already sit at 3 or 4, and make the results survive exec.
            high_in, high_out = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("CHECK_RENDER_CHROMIUM_LOG", os.devnull), "w"),
            # close_fds would run after preexec_fn and close fds 3 and 4 again.
            close_fds=False,
            preexec_fn=wire_fds,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._dialog_id = 1_000_000  # replies to these are ignored by send()
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and wait for its reply (events seen meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message(TIMEOUT_S)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = TIMEOUT_S) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline - time.monotonic())
            self.events.append(event)
            if event.get("method") == method:
                return event

    def drain(self, seconds: float) -> None:
        """Collect events for a little while (late console messages)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(self._read_message(deadline - time.monotonic()))
            except TimeoutError:
                return

    def _read_message(self, timeout: float) -> dict:
        deadline = time.monotonic() + max(timeout, 0)
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_browser], [], [], remaining)[0]:
                raise TimeoutError("no message from chromium")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if message.get("method") == "Page.javascriptDialogOpening":
            self._dismiss_dialog(message.get("sessionId"))
        return message

    def _dismiss_dialog(self, session: str | None) -> None:
        """An open alert() blocks the page (and our evaluations): close it, keep the event."""
        self._dialog_id += 1
        message = {"id": self._dialog_id, "method": "Page.handleJavaScriptDialog", "params": {"accept": False}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # already gone: nothing to close
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


def problems_in(events: list[dict]) -> list[str]:
    """Console errors/warnings, exceptions, browser-log errors and dialogs, one line each."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            found.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            found.append(f"log {entry['level']} ({entry.get('source')}): {entry.get('text')}")
        elif method == "Page.javascriptDialogOpening":
            found.append(f"javascript dialog ({params.get('type')}): {params.get('message')}")
    return found


def open_page(tools: DevTools, url: str) -> str:
    """A new tab with console/log/page events on, navigated to ``url``; returns its session."""
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        tools.send(f"{domain}.enable", session=session)
    tools.send("Emulation.setDeviceMetricsOverride", VIEWPORT, session=session)
    tools.send("Page.navigate", {"url": url}, session=session)
    tools.wait_for("Page.loadEventFired")
    tools.drain(0.5)
    return session


def evaluate(tools: DevTools, session: str, expression: str):
    result = tools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    return result.get("result", {}).get("value")


def screenshot(tools: DevTools, session: str, path: Path) -> None:
    data = tools.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
    path.write_bytes(base64.b64decode(data))


PAGE_FACTS = """JSON.stringify({
  title: document.title,
  sections: Array.from(document.querySelectorAll("main > section > h2")).map(h => h.textContent),
  events: document.querySelectorAll(".event").length,
  marks: document.querySelectorAll("mark").length,
  scripts: document.querySelectorAll("script").length,
  height: document.documentElement.scrollHeight
})"""


def check_page(tools: DevTools, html_path: Path, shots: Path, name: str) -> list[str]:
    session = open_page(tools, html_path.as_uri())
    facts = json.loads(evaluate(tools, session, PAGE_FACTS))
    print(f"[{name}] {html_path}")
    print(f"  title={facts['title']!r} sections={facts['sections']}")
    print(f"  events={facts['events']} marks={facts['marks']} scripts={facts['scripts']} height={facts['height']}px")
    screenshot(tools, session, shots / f"{name}-top.png")
    # Follow the first source link into its article: the JS lights up the span.
    href = evaluate(tools, session, "(document.querySelector('a.cite[href^=\"#span-\"]') || {}).getAttribute ? document.querySelector('a.cite[href^=\"#span-\"]').getAttribute('href') : null")
    if href:
        evaluate(tools, session, f"location.hash = {json.dumps(href)}")
        tools.drain(0.3)
        active = evaluate(tools, session, "document.querySelectorAll('mark.active').length")
        print(f"  followed {href}: {active} highlighted piece(s) lit")
        screenshot(tools, session, shots / f"{name}-evidence.png")
    for section in SECTION_SHOTS:
        evaluate(tools, session, f"location.hash = '#{section}'")
        tools.drain(0.2)
        screenshot(tools, session, shots / f"{name}-{section}.png")
    evaluate(tools, session, "location.hash = ''")
    tools.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
    evaluate(tools, session, "window.scrollTo(0, 0)")
    screenshot(tools, session, shots / f"{name}-print.png")
    problems = problems_in(tools.events)
    tools.events.clear()
    for problem in problems:
        print(f"  PROBLEM {problem}")
    if facts["scripts"] != 1:
        problems.append(f"expected exactly our one <script>, found {facts['scripts']}")
    print(f"  screenshots: {shots}/{name}-*.png")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "summariser-render-check")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument(
        "--page", type=Path, action="append", default=[],
        help="also check this HTML file (e.g. a page with a deliberate console.error, to see detection work)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    pages = {"seed": seed_dossier(), "hostile": hostile_dossier()}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        tools = DevTools(args.chromium, profile)
        try:
            for name, (dossier, texts) in pages.items():
                html_path = args.out / f"{name}.html"
                html_path.write_text(render_html(dossier, texts), encoding="utf-8")
                problems += [f"{name}: {p}" for p in check_page(tools, html_path, args.out, name)]
            for extra in args.page:
                name = extra.stem
                problems += [f"{name}: {p}" for p in check_page(tools, extra.resolve(), args.out, name)]
        finally:
            tools.close()
    print("OK: no console errors, exceptions, CSP violations or dialogs" if not problems else f"FAILED: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
