"""How big a figure's text is on a student's screen.

JupyterLab shows an inline PNG at its natural size (matplotlib's ``figure.dpi``, 100 here),
scaled down to fit the output area when it is wider. Measured in a 1280-px-wide window
(file browser open, 100% zoom), the output area is about 975 px wide: the RNN-types
overview, 1711 px wide, was shown at 57%. A text of ``s`` points then measures
``s * dpi / 72 * min(1, 975 / width)`` pixels; no figure text may be under 9 px.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

OUTPUT_WIDTH_PX = 975  # JupyterLab's output area at 1280 px, file browser open
MIN_TEXT_PX = 9.0


def shown_width_px(fig: Figure) -> float:
    """Width of the PNG the inline backend sends (bbox_inches='tight', like IPython)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", dpi=fig.dpi)
    from matplotlib.image import imread

    buffer.seek(0)
    return float(imread(buffer).shape[1])


def text_sizes_px(fig: Figure) -> list[tuple[float, str]]:
    """(size on screen in px, text) of every visible, non-empty text of ``fig``."""
    fig.canvas.draw()
    scale = min(1.0, OUTPUT_WIDTH_PX / shown_width_px(fig))
    out = []
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_visible() and text.get_text().strip() and text.get_figure() is fig:
            out.append((text.get_fontsize() * fig.dpi / 72 * scale, text.get_text()))
    return out


def too_small(fig: Figure, minimum: float = MIN_TEXT_PX) -> list[tuple[float, str]]:
    """The texts of ``fig`` smaller than ``minimum`` px on screen (an empty list is good)."""
    return [(round(px, 1), t) for px, t in text_sizes_px(fig) if px < minimum]
