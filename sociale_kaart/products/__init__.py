"""The products of a run, declared in a registry, and the orchestrator that makes them.

* :mod:`.registry`: every product once (key, description, what it needs, its ``make``), in order;
* :mod:`.context`: the typed :class:`RunContext` a product is given and the :class:`ProductResult` it returns;
* :mod:`.run`: :func:`make`, the orchestrator (build, analyse and classify once, then each product),
  and :mod:`.report`, the koppelrapport every run writes;
* one module per product or small family: :mod:`.tables`, :mod:`.charts`, :mod:`.maps`,
  :mod:`.documents`, :mod:`.voortgang`, :mod:`.stapeling`.
"""

from ..texts import NO_YEARS
from .context import Change, ProductResult, RunContext
from .registry import PRODUCTS, REGISTRY, Product
from .run import INDEX, RunResult, fingerprint, make

__all__ = ["Change", "INDEX", "NO_YEARS", "PRODUCTS", "Product", "ProductResult", "REGISTRY", "RunContext",
           "RunResult", "fingerprint", "make"]
