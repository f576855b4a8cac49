"""A stand-in for the `null-object` package (not packaged by Debian), written for the peer scripts.

broadworks_ocip only compares values with `is Null` to mean an explicit XML nil.
"""


class _Null:
    def __bool__(self):
        return False

    def __repr__(self):
        return "Null"


Null = _Null()
