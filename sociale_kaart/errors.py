"""The exceptions users see, in one family.

Every problem with the user's input is an :class:`InputError` with a message in Dutch that names
the file, column, row or buurtcode concerned; a failing download is a :class:`NetworkError` that
names the URL and the server's answer. The CLI prints either on one line (``fout: ...``) and exits
with status 1; anything else is a bug and keeps its traceback.
"""


class SocialeKaartError(Exception):
    """Base of every error that is meant for the user, not for a developer."""


class InputError(SocialeKaartError, ValueError):
    """Invalid or unusable input, described for the person who supplied it."""


class NetworkError(SocialeKaartError):
    """A download failed: no network, a timeout, an HTTP error or an unexpected answer."""
