"""Downloading open data into the user's cache: boundaries (PDOK, CBS), KWB figures (CBS), police-registered
crime and overlast (Politie, served by CBS) and Leefbaarometer scores.

This is the only package that uses the network, and only when the user runs ``sociale-kaart fetch``.
Nothing is sent but the request for public data: no registrations, no identifiers. One module per
service, sharing one HTTP client:

* :mod:`.client`: the transport, retries with backoff, one Dutch line per failure (the URL and the
  server's status or message), OData and OGC API paging, the cache with a JSON beside every file,
  and :class:`~.client.FetchOptions` (cache, refresh, client, progress) that every service takes.
* :mod:`.catalog`: which years exist. The KWB table id per year from the CBS catalogue (title
  "Kerncijfers wijken en buurten <jaar>"), cached for a week, with the known ids as the offline
  fallback; the newest year is the default of ``fetch``.
* :mod:`.pdok`: the Wijk- en Buurtkaart. From 2023 on the PDOK OGC API of the year, probed by name;
  else the ``wijken-en-buurten-historisch`` service (a collection per year, or one per level with a
  year field), CBS's own zips for 2013-2016, and the GeoPackage named in the PDOK ATOM feed (both
  the old and the 2026 path). Every service's ``/collections`` is read and what it lists is used.
* :mod:`.cbs`: the KWB rows (buurten, wijken, gemeenten, Nederland) from the OData v3 feed, OData v4
  when v3 fails; an empty answer to a filter is checked against the unfiltered table first.
* :mod:`.politie`: crime (47018NED) and overlast (47024NED) per buurt, with the buurtindeling the
  table is published on (1 January of its latest year) in the JSON beside the file.
* :mod:`.leefbaarometer`: the WFS layer ``lbm3:buurtscore24``, filtered on ``id`` (the buurtcode).
* :mod:`.run`: everything for a project (names resolved with the gemeente rows of the year); the
  project file is edited by :mod:`sociale_kaart.project`.

The network itself is a *transport*, a function from a URL to ``(status, headers, body)``, so that
tests replace it (``client.UrllibTransport``). Files are written whole or not at all.
"""

from .client import (  # noqa: F401
    ODATA_PAGE,
    KEY_WIDTH,
    TIMEOUT_S,
    TRANSIENT,
    Transport,
    Fetched,
    UrllibTransport,
    Response,
    Client,
    FetchOptions,
    EMPTY,
    CAPPED,
    failure,
    failure_kind,
    check_codes,
    metadata_path,
    odata_rows,
    pdok_features,
)
from .catalog import (  # noqa: F401
    KWB_TABLES,
    KWB_REGION,
    FIRST_YEAR,
    CBS_CATALOG,
    KWB_TITLE,
    CATALOG_DAYS,
    KwbTables,
    catalog_url,
    kwb_catalog_entries,
    kwb_tables,
    newest_known_year,
)
from .pdok import (  # noqa: F401
    PDOK_API,
    PDOK_HISTORISCH,
    PDOK_API_FIRST,
    PDOK_ATOM,
    PDOK_ATOM_NEW,
    CBS_ZIPS,
    RD_NEW_URI,
    PDOK_LIMIT,
    LEVELS,
    pdok_items_url,
    fetch_boundaries,
    check_map_year,
    Collection,
    atom_geopackage,
    atom_feeds,
)
from .cbs import (  # noqa: F401
    CBS_FEED,
    CBS_V4,
    kwb_filter,
    kwb_gemeenten_filter,
    typed_dataset_url,
    fetch_kwb,
    fetch_kwb_gemeenten,
    confirm_empty,
)
from .politie import (  # noqa: F401
    POLITIE_TABLE,
    POLITIE_FEED,
    OVERLAST_TABLE,
    CRIME_TOTAL,
    crime_column,
    fetch_crime,
    fetch_overlast,
    saved_indeling,
)
from .leefbaarometer import (  # noqa: F401
    LEEFBAAROMETER_WFS,
    LEEFBAAROMETER_LAYER,
    LEEFBAAROMETER_PAGE,
    LEEFBAAROMETER_CODE,
    leefbaarometer_url,
    fetch_leefbaarometer,
)
from .run import (  # noqa: F401
    FetchRun,
    EXTRAS,
    resolve_selectors,
    fetch_for_project,
)
