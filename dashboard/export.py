"""Render every figure of the dashboard to PNG and/or SVG files.

    python -m dashboard.export                                  # defaults, PNG + SVG into exports/
    python -m dashboard.export --query "loss=svm&lr=0.03&t=50"  # any view: paste the app's URL query
    python -m dashboard.export --url "http://localhost:8501/?loss=svm" --format svg --out figs/

The query is the part of the app's address after '?', so a view a student shares reproduces exactly. Each
figure is written as wide as its content (dashboard/printable.py), still and readable in black and white: the
training animation as a picture of step t. Needs kaleido (in requirements.txt) and a Chromium/Chrome browser
(Debian: apt-get install chromium).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from dashboard.links import from_query
from dashboard.pages import EXPORTS

FORMATS = ("png", "svg", "pdf")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dashboard.export", description=__doc__.split("\n\n")[0])
    p.add_argument("--query", default="", help="URL query of a view, e.g. 'loss=svm&lr=0.03'")
    p.add_argument("--url", default="", help="a full app URL; its query is used")
    p.add_argument("--out", default="exports", help="output folder (default: exports/)")
    p.add_argument("--format", nargs="+", default=["png", "svg"], choices=FORMATS, help="file formats")
    p.add_argument("--scale", type=float, default=2.0, help="PNG pixel scale (default 2: sharp on projectors)")
    p.add_argument("--width", type=int, default=None,
                   help="figure width in CSS pixels (default: each figure as wide as its content)")
    p.add_argument("--only", nargs="*", default=None, metavar="NAME",
                   help=f"names of the figures to write (default: all): {', '.join(EXPORTS)}")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore", message="The kopts argument")
    from dashboard import scenes  # imported late: argument errors should not wait for plotly

    query = urlsplit(args.url).query if args.url else args.query.lstrip("?")
    cfg, problems = from_query(dict(parse_qsl(query)))
    for w in problems:
        print(f"warning: {w}", file=sys.stderr)
    if args.only:
        unknown = sorted(set(args.only) - set(EXPORTS))
        if unknown:
            print(f"error: unknown figure(s) {', '.join(unknown)}; choose from {', '.join(EXPORTS)}", file=sys.stderr)
            return 2
    figs = scenes.all_figures(cfg)
    figs["training_animation"] = training_still(cfg)
    if args.only:
        figs = {k: v for k, v in figs.items() if k in args.only}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        import kaleido
        import plotly.io as pio

        from dashboard.printable import printable

        prints = [printable(name, fig, args.width) for name, fig in figs.items()]
        kaleido.start_sync_server(silence_warnings=True)
        try:
            for fmt in args.format:
                paths = [out / f"{name}.{fmt}" for name in figs]
                pio.write_images([p[0] for p in prints], paths, format=fmt, width=[p[1] for p in prints],
                                 height=[p[2] for p in prints], scale=args.scale if fmt == "png" else 1)
                for path in paths:
                    print(path)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    except Exception as err:  # kaleido's ChromeNotFoundError and friends: say what to install
        if "Chrome" in type(err).__name__ or "browser" in str(err).lower() or "chrom" in str(err).lower():
            print("error: image export needs Chromium or Chrome. Install it (Debian/Ubuntu: "
                  "apt-get install chromium) or point BROWSER_PATH at it.", file=sys.stderr)
            return 1
        raise
    return 0


def training_still(cfg):
    """The Training page's playback figure with the one frame of step t (the page's frames are evenly spaced
    steps; a still of step t should show step t, not the frame nearest it)."""
    from dashboard import figures, scenes

    ctx = scenes.load(cfg)
    h, t = ctx.hist, ctx.t
    Ws, bs = ctx.on_plane(h.W[[t]], h.b[[t]])  # (images: on the view plane)
    return figures.classifier_animation(ctx.Z, ctx.y, Ws, bs, ctx.bounds, [t], losses=h.loss,
                                        accuracies=h.accuracy, class_names=ctx.class_names,
                                        test_losses=h.test_loss, start_step=t)


if __name__ == "__main__":
    sys.exit(main())
