#!/usr/bin/env python3
"""Full-build benchmark: kommhub against Hugo on the same generated corpus.

Usage: python3 benches/compare_hugo.py [--pages 1000 10000] [--runs 5]

For each N it generates the bilingual corpus in kommhub and Hugo format
with ../shared/bench/gen_corpus.py, puts this repository's theme into the
kommhub corpus, then builds both, interleaved (kommhub, hugo, kommhub, ...),
timing each whole process with /usr/bin/time (wall seconds, peak RSS).
Prints medians with min-max and the ratio kommhub/Hugo. Installs Debian's
hugo if it is missing. Figures go in issue notes, never in assertions.
"""
import argparse
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


def ensure_hugo():
    if shutil.which("hugo"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    sh(sudo + ["apt-get", "update"], env=env)
    sh(sudo + ["apt-get", "install", "-y", "hugo"], env=env)


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
    """(wall seconds, peak RSS in MB) of one run."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out.name] + cmd,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, rss = out.read().split()[-2:]
    return float(wall), int(rss) / 1024.0


def summary(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(REPO, "target", "bench"))
    args = parser.parse_args()
    ensure_hugo()
    sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    kommhub = os.path.join(REPO, "target", "release", "kommhub")
    os.makedirs(args.work, exist_ok=True)
    rows = []
    for pages in args.pages:
        k_root = os.path.join(args.work, f"kommhub-{pages}")
        h_root = os.path.join(args.work, f"hugo-{pages}")
        sh([sys.executable, GEN, "--pages", str(pages), "--format", "kommhub", "--out", k_root, "--force"], stdout=subprocess.DEVNULL)
        sh([sys.executable, GEN, "--pages", str(pages), "--format", "hugo", "--out", h_root, "--force"], stdout=subprocess.DEVNULL)
        adapt_kommhub_corpus(k_root)
        k_cmd = [kommhub, "build", "--root", k_root, "--output", os.path.join(args.work, f"out-k-{pages}")]
        h_cmd = ["hugo", "--quiet", "-s", h_root, "-d", os.path.join(args.work, f"out-h-{pages}")]
        # One warm-up each: the first run fills the page cache (and kommhub's image cache).
        timed(k_cmd)
        timed(h_cmd)
        k_runs, h_runs = [], []
        for _ in range(args.runs):
            k_runs.append(timed(k_cmd))
            h_runs.append(timed(h_cmd))
        rows.append((pages, k_runs, h_runs))
    print(f"{'N':>7} | {'kommhub wall s (min-max)':>26} | {'RSS MB':>7} | {'Hugo wall s (min-max)':>24} | {'RSS MB':>7} | {'ratio':>5}")
    print("-" * 92)
    for pages, k_runs, h_runs in rows:
        k_med, k_min, k_max = summary([w for w, _ in k_runs])
        h_med, h_min, h_max = summary([w for w, _ in h_runs])
        k_rss = max(r for _, r in k_runs)
        h_rss = max(r for _, r in h_runs)
        print(f"{pages:>7} | {k_med:>8.2f} ({k_min:.2f}-{k_max:.2f})      | {k_rss:>7.0f} | "
              f"{h_med:>8.2f} ({h_min:.2f}-{h_max:.2f})    | {h_rss:>7.0f} | {k_med / h_med:>5.2f}")


if __name__ == "__main__":
    main()
