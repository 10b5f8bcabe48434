"""The Images page: a linear classifier on tiny images, in its three viewpoints (pure: arrays in, go.Figure out).

Images are (H, W) arrays drawn as heatmaps with row 0 on top and square pixels. Weights are drawn on one
diverging colour scale centred at 0 (DIVERGING: blue negative, white 0, red positive) whose range [-limit, limit]
is given by the caller, so that every template of a run shares it; pixels in grey (white 0, black the top).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import _COLORBAR_MARGIN, FONT_SIZE, INK, TITLE_SIZE, _figure, _layout, _sub, _trace
from dashboard.figures.format import short
from dashboard.figures.shared import MODEBAR_PX, _animation_controls

# ColorBrewer's RdBu, blue (negative) -> white (0) -> red (positive), written out: a colour scale's name is resolved
# only by a validating constructor, and Plotly.js's own "RdBu" has a grey middle
_RDBU = ("#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b",
         "#67001f")
DIVERGING = [[i / (len(_RDBU) - 1), c] for i, c in enumerate(_RDBU)]
GREYS = [[0.0, "#ffffff"], [1.0, "#000000"]]  # pixel intensity: white = 0, black = the top of the range
PANEL_PX = 150  # height of one row of image panels
TILES_PX = 690  # px a row of templates may take: the Images page's column at 1280 px less the colour bar
_TITLE_PX = 30  # above each row of panels: its titles
_BAR = dict(thickness=14, len=0.8, y=0.5, yanchor="middle", tickfont=dict(size=FONT_SIZE - 2))


def _hidden(**props) -> dict:
    return dict(showticklabels=False, showgrid=False, zeroline=False, showline=False, ticks="", **props)


def _grid(n: int, cols: int, titles: list[str], *, gap: float = 0.02, right: float = 1.0,
          height: int, top: int, bottom: int, title_px: int = _TITLE_PX,
          framed: bool = False) -> tuple[dict, list[dict]]:
    """Axes of n square image panels in rows of `cols` (row 0 on top, y reversed), and their titles above them
    (title_px tall); framed: a thin dark line around each panel."""
    rows = -(-n // cols)
    width = (right - gap * (cols - 1)) / cols
    plot_h = height - top - bottom
    row_h = (1.0 - (rows - 1) * title_px / plot_h) / rows  # each row's share of the plot, titles between rows
    frame = dict(showline=True, mirror=True, linecolor=INK, linewidth=1) if framed else {}
    axes, notes = {}, []
    for i in range(n):
        r, c = divmod(i, cols)
        s = "" if i == 0 else str(i + 1)
        x0 = c * (width + gap)
        y1 = 1.0 - r * (row_h + title_px / plot_h)
        axes[f"xaxis{s}"] = {**_hidden(domain=[x0, x0 + width], anchor=f"y{s}", constrain="domain"), **frame}
        axes[f"yaxis{s}"] = {**_hidden(domain=[y1 - row_h, y1], anchor=f"x{s}", autorange="reversed",
                                       scaleanchor=f"x{s}", constrain="domain"), **frame}
        notes.append(dict(text=titles[i], x=x0 + width / 2, y=y1, xref="paper", yref="paper", xanchor="center",
                          yanchor="bottom", showarrow=False, font=dict(size=FONT_SIZE)))
    return axes, notes


def _image(z: np.ndarray, i: int, coloraxis: str, hover: str, text=None) -> go.Heatmap:
    """Panel i's image; a tiny one (the 2x2 example) with a white line between its pixels."""
    s = "" if i == 0 else str(i + 1)
    z = np.asarray(z, dtype=float)
    props = dict(texttemplate="%{text}", text=text, textfont=dict(size=FONT_SIZE)) if text is not None else {}
    gap = 1 if z.size <= 16 else 0
    return _trace(go.Heatmap, z=np.round(z, 4), coloraxis=coloraxis, xaxis=f"x{s}", yaxis=f"y{s}",
                  hovertemplate=hover + "<extra></extra>", xgap=gap, ygap=gap, **props)


def _diverging(limit: float, title: str, x: float = 1.0) -> dict:
    return dict(colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0.0,
                colorbar=dict(_BAR, x=x, xanchor="left", title=dict(text=title, side="right")))


def _greys(pixel_range) -> dict:
    return dict(colorscale=GREYS, cmin=float(pixel_range[0]), cmax=float(pixel_range[1]), showscale=False)


def _cols(C: int) -> int:
    return C if C <= 6 else 5


def _tiled(images: np.ndarray, cols: int) -> list[list[float | None]]:
    """C images (C, H, W) side by side in rows of `cols`, as one z matrix: one empty column between two images, two
    empty rows between two rows of images (their titles go there); the gaps are None (drawn as nothing)."""
    C, H, W = images.shape
    rows = -(-C // cols)
    z = np.full((rows * (H + 2) - 2, cols * (W + 1) - 1), np.nan)
    for k in range(C):
        r, c = divmod(k, cols)
        z[r * (H + 2):r * (H + 2) + H, c * (W + 1):c * (W + 1) + W] = images[k]
    return np.where(np.isnan(z), None, np.round(z, 4)).tolist()


def _tile_names(names: list[str], H: int, W: int, cols: int) -> list[list[str | None]]:
    """Each pixel's class name, laid out as `_tiled` lays out the images (for the hover)."""
    C = len(names)
    index = _tiled(np.arange(C, dtype=float)[:, None, None] * np.ones((C, H, W)), cols)
    return [[None if v is None else names[int(v)] for v in row] for row in index]


def template_columns(C: int) -> int:
    """Templates per row: all in one row up to 3, else two rows (all ten digits: 2 rows of 5)."""
    return C if C <= 3 else -(-C // 2)


def templates_figure(frames: np.ndarray, steps: list[int], active: int, limit: float, names: list[str],
                     frame_ms: int = 40) -> go.Figure:
    """Template k of each class (row k of W as an image) at each of the steps, on one colour scale [-limit, limit]
    centred at 0; frames (F, C, H, W) are the templates at steps[f]; the figure shows frames[active] and plays
    them in the browser (▶ Play, and a step slider; each frame is named by its step).

    All templates are tiles of ONE heatmap (`_tiled`), and a frame carries only its z: Plotly draws a heatmap's new
    z only by drawing the whole chart again (its slider of 50 steps, titles and colour bar: ~3 frames per second),
    so the page's playback listener (playback.sync(heatmaps=True)) redraws that heatmap alone after each frame.
    The figure is as wide as its tiles and its colour bar (shown at its own width: the bar stays next to the
    tiles on a wide screen)."""
    F, C, H, W = frames.shape
    cols = template_columns(C)
    rows = -(-C // cols)
    n_x, n_y = cols * (W + 1) - 1, rows * (H + 2) - 2
    # px per pixel: a template 192 px tall, as long as the row fits TILES_PX; 10 digits: 15.7 px, a 125 px
    # template; 0/1/7: 24 px, 192 px
    cell = float(np.clip(min(192 / H, TILES_PX / n_x), 8, 90))
    animated = F > 1
    top, bottom, left = 40 + MODEBAR_PX, (100 if animated else 10), 10
    height = int(round(top + n_y * cell + bottom))
    width = int(round(left + n_x * cell + _COLORBAR_MARGIN))
    notes = [dict(text=f"<b>w{_sub(k)}: {names[k]}</b>", x=(k % cols) * (W + 1) + (W - 1) / 2,
                  y=(k // cols) * (H + 2) - 0.5, xref="x", yref="y", xanchor="center", yanchor="bottom",
                  showarrow=False, font=dict(size=TITLE_SIZE)) for k in range(C)]
    axes = dict(xaxis=_hidden(range=[-0.5, n_x - 0.5], constrain="domain"),
                yaxis=_hidden(range=[n_y - 0.5, -0.5], scaleanchor="x", constrain="domain"))
    data = [_trace(go.Heatmap, z=template_frame(frames[active], steps[active], cols)["data"][0]["z"],
                   coloraxis="coloraxis", customdata=_tile_names(names, H, W, cols), hoverongaps=False,
                   hovertemplate="class %{customdata}<br>weight %{z:.3f}<extra></extra>", xgap=0, ygap=0)]
    bar = _diverging(limit, "weight w", x=1.0)
    bar["colorbar"].update(len=1.0, thickness=18, tickfont=dict(size=FONT_SIZE), xpad=8)
    layout = _layout(data, height, axes=axes, annotations=notes, coloraxis=bar)
    layout["width"] = width
    layout["margin"] = dict(l=left, r=_COLORBAR_MARGIN, t=top, b=bottom)  # (the colour bar right of the tiles)
    if not animated:
        return _figure(data, layout)
    labels = [str(s) for s in steps]
    layout.update(_animation_controls(labels, frame_ms, y=-8 / (height - top - bottom), active=active))
    return _figure(data, layout, frames=[template_frame(frames[f], steps[f], cols) for f in range(F)])


def template_frame(images: np.ndarray, step: int, cols: int | None = None) -> dict:
    """The animation frame of one step: its C templates (C, H, W) as the z of templates_figure's heatmap, and
    nothing else (no layout: a frame that changes only z costs only the heatmap's redraw)."""
    cols = template_columns(len(images)) if cols is None else cols
    return dict(name=str(step), data=[dict(type="heatmap", z=_tiled(images, cols))], traces=[0])


def contribution_figure(image: np.ndarray, template: np.ndarray, contribution: np.ndarray, *, template_limit: float,
                        contribution_limit: float, pixel_range, name: str, k: int, bias: float,
                        numbers: bool = False) -> go.Figure:
    """Image x, template w_k and their elementwise product w_k ⊙ x, whose sum plus b_k is the score s_k; with
    numbers, every cell's value written in it (the 4-pixel example)."""
    total = float(np.sum(contribution))
    titles = ["image x", f"template w{_sub(k)} ({name})",
              f"w{_sub(k)} ⊙ x: sum {short(total, 5)}, + b{_sub(k)} = {short(total + bias, 5)}"]
    height = 40 + PANEL_PX * 2
    axes, notes = _grid(3, 3, titles, gap=0.12, right=0.88, height=height, top=40, bottom=10)

    def text(z):
        return [[short(v, 5) for v in row] for row in np.asarray(z)] if numbers else None

    data = [_image(image, 0, "coloraxis", "row %{y}, column %{x}<br>pixel %{z:.3f}", text(image)),
            _image(template, 1, "coloraxis2", "row %{y}, column %{x}<br>weight %{z:.3f}", text(template)),
            _image(contribution, 2, "coloraxis3", "row %{y}, column %{x}<br>weight × pixel %{z:.3f}",
                   text(contribution))]
    layout = _layout(data, height, axes=axes, annotations=notes, coloraxis=_greys(pixel_range),
                     coloraxis2=_diverging(template_limit, "weight", x=axes["xaxis2"]["domain"][1] + 0.005),
                     coloraxis3=_diverging(contribution_limit, "w × x", x=axes["xaxis3"]["domain"][1] + 0.005))
    layout["margin"] = dict(l=10, r=10, t=40, b=10)
    return _figure(data, layout)


def product_figure(Wb: np.ndarray, xb: np.ndarray, scores: np.ndarray, names: list[str], *, limit: float,
                   pixel_range) -> go.Figure:
    """[W | b] (C, P + 1) times the column [x; 1] (P + 1,) equals the scores (C,), as three heatmaps laid out as
    the product is written: the wide matrix, the tall column, the short column of scores (with its numbers)."""
    C, P1 = Wb.shape
    height = 420
    top, bottom = 40, 60
    band = min(0.7, max(0.25, C / 12))  # the height share of W's C rows (the column [x; 1] spans all of it)
    lo, hi = 0.5 - band / 2, 0.5 + band / 2
    axes = dict(
        xaxis=_hidden(domain=[0.0, 0.66], anchor="y"),
        yaxis=dict(domain=[lo, hi], anchor="x", autorange="reversed", showgrid=False, zeroline=False, showline=False,
                   tickvals=list(range(C)), ticktext=names, ticks=""),
        xaxis2=_hidden(domain=[0.72, 0.76], anchor="y2"),
        yaxis2=_hidden(domain=[0.0, 1.0], anchor="x2", autorange="reversed"),
        xaxis3=_hidden(domain=[0.83, 0.97], anchor="y3"),  # (wide enough for "−0.00345" at 1280 px)
        yaxis3=_hidden(domain=[lo, hi], anchor="x3", autorange="reversed"),
    )
    note = dict(xref="paper", yref="paper", showarrow=False, font=dict(size=TITLE_SIZE + 4), y=0.5, yanchor="middle")
    notes = [dict(note, text="×", x=0.69, xanchor="center"), dict(note, text="=", x=0.80, xanchor="center"),
             dict(text=f"[W | b]: {C} × {P1}", x=0.33, y=hi, xref="paper", yref="paper", yanchor="bottom",
                  showarrow=False, font=dict(size=FONT_SIZE)),
             dict(text="[x; 1]", x=0.74, y=1.0, xref="paper", yref="paper", yanchor="bottom", showarrow=False,
                  font=dict(size=FONT_SIZE)),
             dict(text="s", x=0.90, y=hi, xref="paper", yref="paper", yanchor="bottom", showarrow=False,
                  font=dict(size=FONT_SIZE))]
    s_limit = max(float(np.abs(scores).max()), 1e-12)
    data = [
        _trace(go.Heatmap, z=np.round(Wb, 4), coloraxis="coloraxis", xaxis="x", yaxis="y", xgap=1, ygap=1,
               hovertemplate="row %{y}, column %{x}<br>%{z:.3f}<extra>[W | b]</extra>"),
        _trace(go.Heatmap, z=np.round(xb[:, None], 4), coloraxis="coloraxis2", xaxis="x2", yaxis="y2", ygap=1,
               hovertemplate="entry %{y}: %{z:.3f}<extra>[x; 1]</extra>"),
        _trace(go.Heatmap, z=np.round(scores[:, None], 4), coloraxis="coloraxis3", xaxis="x3", yaxis="y3", ygap=1,
               text=[[short(v, 3)] for v in scores], texttemplate="%{text}", textfont=dict(size=FONT_SIZE - 1),
               hovertemplate="%{text}<extra>s</extra>"),
    ]
    layout = _layout(data, height, axes=axes, annotations=notes, coloraxis=_diverging(limit, "[W | b]", x=0.0),
                     coloraxis2=_greys((min(pixel_range[0], 0.0), max(pixel_range[1], 1.0))),
                     coloraxis3=dict(colorscale=DIVERGING, cmin=-s_limit, cmax=s_limit, showscale=False))
    layout["coloraxis"]["colorbar"].update(orientation="h", x=0.0, xanchor="left", len=0.3, y=lo - 0.04,
                                           yanchor="top", title=dict(text="weight", side="right"))
    layout["margin"] = dict(l=60, r=10, t=top, b=bottom)
    return _figure(data, layout)


def gallery_figure(pictures: np.ndarray, titles: list[str], pixel_range, cols: int = 6) -> go.Figure:
    """A grid of images (M, H, W) in grey, each in a thin dark frame (a white pixel at the edge stays visible) with
    its caption above it (what it is and what the classifier said, and their scores: text in the ink colour,
    readable in black and white too; a caption may have two lines, joined by <br>)."""
    M = len(pictures)
    rows = -(-M // cols)
    lines = max((t.count("<br>") + 1 for t in titles), default=1)
    title_px = 12 + 20 * lines
    top = 12 + 20 * lines + MODEBAR_PX
    height = top + 10 + rows * (PANEL_PX + title_px + 10) - title_px
    axes, notes = _grid(M, cols, titles, gap=0.03, height=height, top=top, bottom=10, title_px=title_px,
                        framed=True)
    for note in notes:
        note["font"] = dict(size=FONT_SIZE - 2, color=INK)
    data = [_image(p, i, "coloraxis", "row %{y}, column %{x}<br>pixel %{z:.3f}") for i, p in enumerate(pictures)]
    layout = _layout(data, height, axes=axes, annotations=notes, coloraxis=_greys(pixel_range))
    layout["margin"] = dict(l=10, r=10, t=top, b=10)
    return _figure(data, layout)


from dashboard.figures.image_plane import CROWDED, plane_figure  # noqa: E402,F401  (the geometric view)
