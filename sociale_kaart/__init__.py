"""sociale-kaart: the digital *sociale kaart* for Dutch municipalities.

The package is a pipeline of small modules, one per stage:

``boundaries``     load CBS Wijk- en Buurtkaart layers (buurten, wijken, gemeenten)
``kwb``            read CBS Kerncijfers Wijken en Buurten tables into stable column names
``registrations``  read a municipality's own extract and aggregate it to buurten
``join``           join figures to boundaries, with a validation report
``indicators``     the indicator registry, rates with small-number protection, aggregation
``fetch``          download boundaries (PDOK) and KWB tables (CBS) into a local cache
``sample``         the fictional sample municipality *Voorbeeldstad*

The command line (``sociale-kaart``) is a thin layer over these functions.
"""

__version__ = "0.1.0"
