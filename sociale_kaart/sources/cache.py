"""Where downloads and generated files are kept between runs: the user's cache folder.

Never inside the installed package (after a non-editable install that is site-packages).
``SOCIALE_KAART_CACHE`` overrides the location; otherwise ``$XDG_CACHE_HOME/sociale-kaart`` or
``~/.cache/sociale-kaart`` (``%LOCALAPPDATA%\\sociale-kaart`` on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """The cache folder (not created here).

    Examples
    --------
    >>> user_cache_dir().name in ("sociale-kaart",) or "SOCIALE_KAART_CACHE" in os.environ
    True
    """
    if os.environ.get("SOCIALE_KAART_CACHE"):
        return Path(os.environ["SOCIALE_KAART_CACHE"])
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sociale-kaart"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sociale-kaart"
