#!/usr/bin/env python3
"""Runs axe-core in headless Chromium over built pages and prints their violations as JSON.

usage: axe-audit.py [--dark] ROOT PAGE...   (PAGE relative to ROOT, e.g. hardware-combos/index.html)
--dark emulates a reader whose system prefers a dark colour scheme.

Chromium is driven by Debian's chromedriver through Selenium (PyPI's axe-selenium-python). The
axe-core that axe-selenium-python bundles is from 2018 and flags valid markup (a <div> grouping
<dt>/<dd>), so the script injects the current axe-core that PyPI's axe-playwright-python ships
(installed without its Playwright dependency; only its axe.min.js is used).
Output: {"page": [{"id", "impact", "help", "targets"}, ...], ...}; exit 0 when the run finished.
"""
import json
import os
import sys

from axe_selenium_python import Axe
import axe_playwright_python
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

os.environ.setdefault("SE_AVOID_STATS", "true")


def main() -> int:
    arguments = sys.argv[1:]
    dark = "--dark" in arguments
    arguments = [a for a in arguments if a != "--dark"]
    root, pages = arguments[0], arguments[1:]
    options = Options()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(300)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    script = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
    report = {}
    try:
        for page in pages:
            driver.get("file://" + os.path.join(os.path.abspath(root), page))
            axe = Axe(driver, script_url=script)
            axe.inject()
            results = axe.run()
            report[page] = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "targets": [n["target"] for n in v["nodes"]][:5]}
                for v in results["violations"]
            ]
    finally:
        driver.quit()
    print(json.dumps(report, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
