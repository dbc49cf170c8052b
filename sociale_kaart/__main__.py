"""``python -m sociale_kaart``: the same as the ``sociale-kaart`` command."""

from .cli import main

main()
