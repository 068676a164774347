"""Chinese figure labels where a CJK font is installed, English ones otherwise.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: Chinese text renders as
empty boxes. :func:`use_cjk_font` puts the first installed CJK font of
:data:`CJK_FAMILIES` behind DejaVu Sans (matplotlib's font fallback: Latin letters, digits
and math keep DejaVu Sans, Chinese characters come from the CJK font), and :func:`label`
picks the label a figure can show::

    from rnnlab.fonts import label

    ax.set_xlabel(label("時間步 time step t", "time step t"))

``python -m rnnlab setup`` installs Debian's ``fonts-noto-cjk`` when it runs as root with
apt, and says so when it cannot; Windows has Microsoft JhengHei, macOS PingFang TC.
Set ``RNNLAB_FIGURE_LANGUAGE=en`` to force English labels.
"""

from __future__ import annotations

import os
from functools import cache

# Traditional Chinese faces, in order of preference: Debian/Ubuntu, Windows, macOS
CJK_FAMILIES = ("Noto Sans CJK TC", "Microsoft JhengHei", "PingFang TC")
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's default: full Latin, Greek and math coverage
ENV_VAR = "RNNLAB_FIGURE_LANGUAGE"  # "en" forces English labels


def _installed_families() -> set[str]:
    from matplotlib import font_manager

    return {font.name for font in font_manager.fontManager.ttflist}


@cache
def cjk_family() -> str | None:
    """The first installed font of :data:`CJK_FAMILIES`, or None.

    A font installed after matplotlib built its font cache (``make setup`` installing
    Noto Sans CJK) is found too: the cache is rebuilt once when no CJK font is in it.
    """
    families = _installed_families()
    for family in CJK_FAMILIES:
        if family in families:
            return family
    if _system_has_cjk():
        refresh_font_cache()
        families = _installed_families()
        for family in CJK_FAMILIES:
            if family in families:
                return family
    return None


def _system_has_cjk() -> bool:
    """A CJK font file is where the system keeps fonts (cheap: file names only)."""
    from matplotlib import font_manager

    names = ("notosanscjk", "msjh", "pingfang")
    return any(any(n in os.path.basename(p).lower().replace("-", "") for n in names)
               for p in font_manager.findSystemFonts())


def refresh_font_cache() -> None:
    """Rebuild matplotlib's font cache (after a font was installed)."""
    from matplotlib import font_manager

    font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    cjk_family.cache_clear()


def chinese_labels() -> bool:
    """True when figures should use Chinese labels: a CJK font is installed and
    ``RNNLAB_FIGURE_LANGUAGE`` is not ``en``."""
    if os.environ.get(ENV_VAR, "").lower().startswith("en"):
        return False
    return cjk_family() is not None


def use_cjk_font(rc=None) -> bool:
    """Make matplotlib fall back to the CJK font for Chinese characters.

    rc: the rcParams to change (default: matplotlib's global ones).
    Returns whether Chinese labels can be used (see :func:`chinese_labels`).
    """
    if not chinese_labels():
        return False
    if rc is None:
        import matplotlib

        rc = matplotlib.rcParams
    family = cjk_family()
    if list(rc["font.family"]) != [LATIN_FAMILY, family]:
        rc["font.family"] = [LATIN_FAMILY, family]
    return True


def label(zh: str, en: str) -> str:
    """``zh`` when Chinese labels can be shown (:func:`chinese_labels`; the CJK font is
    then made matplotlib's fallback, :func:`use_cjk_font`), else ``en``."""
    return zh if use_cjk_font() else en
