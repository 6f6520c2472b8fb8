"""A JupyterLab server on copies of the course's notebooks, and a notebook opened in it as a student
opens it (tests/test_browser.py, JupyterLab tests)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@contextlib.contextmanager
def serve(work: Path, home: Path):
    """A JupyterLab server on this Python, serving `work`, with its configuration (settings,
    workspaces) and runtime files in `home`; yields its base URL."""
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"))
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root"]
        + [f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1"]
        + ["--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.news_url=None"]
        + [f"--ServerApp.root_dir={work}", "--ServerApp.disable_check_xsrf=True"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail(f"JupyterLab stopped: {(home / 'server.log').read_text()[-2000:]}")
            try:
                get_json(f"{base}/api/status")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def lab_context(browser):
    """A browser context for JupyterLab with the network cut off but for this machine: every
    other address goes to a proxy that is not there."""
    return browser.new_context(
        viewport={"width": 1280, "height": 800},
        proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"},
    )


def wait_for_kernel(base: str, relative: str) -> list:
    """Wait until the notebook's kernel has started and is idle with a connection; its sessions."""
    for _ in range(120):
        sessions = [s for s in get_json(f"{base}/api/sessions") if s["path"] == relative]
        kernel = sessions[0]["kernel"] if sessions else {}
        if kernel.get("execution_state") == "idle" and kernel.get("connections", 0) > 0:
            return sessions
        time.sleep(0.5)
    pytest.fail(f"the kernel of {relative} did not start within 60 s")


def open_untouched(browser, base: str, relative: str, screenshot: Path | None = None) -> bool:
    """Open a notebook in JupyterLab, touch nothing, wait until its kernel has started and has been
    idle for 3 s; whether the notebook's tab is marked changed (the unsaved dot)."""
    context = lab_context(browser)
    page = context.new_page()
    try:
        workspace = relative.replace("/", "-").removesuffix(".ipynb")
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{relative}?reset")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        sessions = wait_for_kernel(base, relative)
        page.wait_for_timeout(3000)
        dirty = page.evaluate(
            "() => document.querySelectorAll('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty').length"
        )
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        request = urllib.request.Request(
            f"{base}/api/sessions/{sessions[0]['id']}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=10).close()
        return dirty > 0
    finally:
        context.close()


def save_in_jupyterlab(browser, base: str, relative: str, work: Path) -> dict:
    """Open the notebook, let its kernel start, save it with Ctrl+S; the saved notebook."""
    context = lab_context(browser)
    page = context.new_page()
    try:
        before = (work / relative).stat().st_mtime_ns
        page.goto(f"{base}/lab/workspaces/save/tree/{relative}?reset")
        page.wait_for_selector(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty", timeout=60_000)
        # The tab may turn dirty before the kernel's language_info has arrived: save after that.
        wait_for_kernel(base, relative)
        page.wait_for_timeout(3000)
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        for _ in range(40):
            if (work / relative).stat().st_mtime_ns != before:
                break
            page.wait_for_timeout(250)
        else:
            pytest.fail(f"JupyterLab did not save {relative} within 10 s of Ctrl+S")
        page.wait_for_timeout(500)
        return json.loads((work / relative).read_text(encoding="utf-8"))
    finally:
        context.close()
