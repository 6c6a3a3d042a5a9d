#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Opens the demo's HTML report in headless Chromium and checks the charts
rendered: the page's script found non-empty chart lines (--dump-dom after JS
ran), and the screenshot shows the series colours inside the chart areas.

usage: browser_check.py REPORT.html OUT_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]
# The series colours of the report (throughput: one per stage; latency: p50 blue, p99 red).
SERIES_COLOURS = {"#1f77b4": (0x1f, 0x77, 0xb4), "#ff7f0e": (0xff, 0x7f, 0x0e), "#2ca02c": (0x2c, 0xa0, 0x2c),
                  "#d62728": (0xd6, 0x27, 0x28), "#9467bd": (0x94, 0x67, 0xbd)}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def chromium(args, profile):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        fail("chromium is not installed (it is in scripts/packages.txt; run scripts/setup.sh)")
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    report, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not os.path.isfile(report):
        fail(f"{report} does not exist (the demo_run test writes it)")
    url = "file://" + report
    os.makedirs(out, exist_ok=True)

    with tempfile.TemporaryDirectory() as profile:
        dom = chromium(["--virtual-time-budget=5000", "--dump-dom", url], profile).stdout
    m = re.search(r'<body[^>]*data-charts-rendered="(\d+)"', dom)
    if not m:
        fail("the report's script did not run (no data-charts-rendered on <body>)")
    if m.group(1) != "2":
        fail(f"{m.group(1)} of 2 charts have drawn lines")
    drawn = dict(re.findall(r'<figure class="chart" id="(\w+)" data-drawn-series="(\d+)"', dom))
    if drawn.get("throughput") != "5" or drawn.get("latency") != "2":
        fail(f"drawn series per chart {drawn}, expected throughput 5, latency 2")

    png = os.path.join(out, "report.png")
    if os.path.exists(png):
        os.remove(png)
    with tempfile.TemporaryDirectory() as profile:
        chromium([f"--screenshot={png}", "--window-size=1200,1400", url], profile)
    if not os.path.isfile(png):
        fail("chromium wrote no screenshot")
    img = Image.open(png).convert("RGB")
    w, h = img.size
    pixels = img.load()
    counts = {name: 0 for name in SERIES_COLOURS}
    background = 0
    for y in range(h):
        for x in range(w):
            p = pixels[x, y]
            if p == (255, 255, 255):
                background += 1
                continue
            for name, c in SERIES_COLOURS.items():
                if all(abs(a - b) <= 40 for a, b in zip(p, c)):
                    counts[name] += 1
    print(f"screenshot {png}: {w}x{h}, {w * h - background} non-white pixels, series colours {counts}")
    if background == w * h:
        fail("the screenshot is blank")
    # Each legend swatch is 14x4 = 56 pixels; lines that overlap (stages moving
    # at the same rate) hide each other, so the lines are checked together:
    # well beyond the swatches, the series colours must cover the plot areas.
    no_legend = [name for name, n in counts.items() if n < 40]
    if no_legend:
        fail(f"legend colours missing from the screenshot: {no_legend}")
    line_pixels = sum(counts.values()) - 56 * (len(counts) + 2)
    if line_pixels < 1500:
        fail(f"only {line_pixels} pixels of chart lines in the screenshot")
    print("browser_check: ok")


if __name__ == "__main__":
    main()
