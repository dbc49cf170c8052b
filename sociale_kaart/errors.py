"""The one exception type users see.

Every problem with the user's input is raised as :class:`InputError` with a message in Dutch that
names the file, column or buurtcode concerned. The CLI prints it on one line and exits with
status 1; anything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Invalid or unusable input, described for the person who supplied it."""
