"""sociale-kaart: the digital *sociale kaart* for Dutch municipalities.

``import sociale_kaart as sk`` is all a notebook or script needs:

>>> import sociale_kaart as sk
>>> data = sk.build(sources=sk.sample_sources())      # boundaries + KWB (+ registrations) -> Dataset
>>> analysis = sk.analyse(data)                        # stapeling, need index, aandachtsbuurten
>>> page = sk.explore(data, analysis)                  # the offline map, inline in Jupyter
>>> fig = sk.plot(data, "wmo_per_1000", analysis)      # a static map (matplotlib Figure)
>>> sk.RunSettings is sk.settings.RunSettings, sk.InputError.__name__
(True, 'InputError')

``sk.make(settings)`` makes every product into a folder, as ``sociale-kaart maak`` does. The
functions are in :mod:`sociale_kaart.api`; they are imported on first use, so that importing the
package (and starting the command line) stays quick.

The package is a pipeline; data flows one way through its stages (``tests/test_structure.py``
guards it), on a foundation of ``errors``, ``texts``, ``settings``, ``reporter`` and ``atomic``:

``sources/``   read every input (Wijk- en Buurtkaart, KWB tables, registrations, safety figures,
               own layouts, the sample) into stable column names; ``fetch`` downloads them
``combine/``   join figures to boundaries, indicators with small-number protection, disclosure
               control, years and change over time: one immutable ``Dataset``
``analysis/``  stapeling, need index, hot spots, targets: frames in, frames out (no files, no plots)
``render/``    HTML map, static maps, wijkprofielen and briefing pages, index page
``outputs``    the output folder: written completely or not at all
``products/``  every product declared once in a registry (key, what it needs, its ``make``) and
               the orchestrator: build once, analyse once, then make any set of products
``project``    the project file ``sociale-kaart.toml``
``api``        the Python API above
``cli``        the command line ``sociale-kaart`` (``python -m sociale_kaart``)
"""

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first access).
_LAZY = {
    **dict.fromkeys(("build", "analyse", "explore", "plot", "make", "sample_sources", "MapPage"), "api"),
    **dict.fromkeys(("Sources", "RunSettings", "SmallNumbers", "NeedSettings", "MapSettings", "IndicatorSpec",
                     "LayoutSpec", "YearSource", "Target", "ChangeSettings"), "settings"),
    "Dataset": "combine.dataset",
    "Analysis": "analysis.need",
    "InputError": "errors",
    "PRODUCTS": "products",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once looked up, an ordinary attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
