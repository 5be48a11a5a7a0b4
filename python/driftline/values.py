"""Normalises what a model server hands the monitor into the scalars OTLP carries.

Without importing numpy or pandas (a model server should not inherit our dependencies, and a
server without them must not pay their import), values are recognised by the protocols those
libraries implement:

- ``bool`` and ``numpy.bool_`` are booleans. ``numpy.bool_`` is tested before the number
  protocols because it has ``__float__`` and (in older numpy) ``__index__``: read as a number,
  ``True`` would become the numeric feature ``1``.
- ``int`` and anything with ``__index__`` (``numpy.int64``, ``numpy.uint8``) are integers.
- ``float`` and anything with ``__float__`` (``numpy.float32``, ``decimal.Decimal``) are doubles;
  NaN and ±inf stay doubles, which the collector counts as missing values of a numeric feature.
- Other numpy scalars and 0-d arrays are unwrapped through ``item()`` once.
- ``None``, ``pandas.NA`` and ``pandas.NaT`` are missing: the attribute is left out, as the Node
  SDK leaves out ``null``. (A missing value of unknown type cannot be sent: sending NaN would make
  a categorical feature numeric.)
- ``str`` is kept exactly; anything else (lists, dicts, bytes, objects) is invalid and counted.
"""

MISSING = object()
"""Returned for a value that is absent (None, pandas.NA): leave the attribute out, count nothing."""

INVALID = object()
"""Returned for a value the conventions cannot carry: leave it out and count it."""

# pandas' missing-value singletons, recognised by type name so pandas is never imported.
_MISSING_TYPE_NAMES = frozenset({"NAType", "NaTType"})
# numpy.bool_ is named "bool_" before numpy 2 and "bool" from numpy 2 on.
_NUMPY_BOOL_NAMES = frozenset({"bool_", "bool"})


def scalar(value):
    """The OTLP-ready scalar for ``value`` (bool, int, float or str), or MISSING, or INVALID."""
    kind = type(value)
    # Exact-type fast path: the types a model server sends most.
    if kind is float or kind is str or kind is bool or kind is int:
        return value
    if value is None:
        return MISSING
    return _slow_scalar(value, kind, True)


def _slow_scalar(value, kind, unwrap):
    name = kind.__name__
    if name in _MISSING_TYPE_NAMES and kind.__module__.startswith("pandas"):
        return MISSING
    # Subclasses of the plain types (numpy.float64 is a float, numpy.str_ a str, IntEnum an int).
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (bytes, bytearray, memoryview, list, tuple, dict, set, frozenset)):
        return INVALID
    if name in _NUMPY_BOOL_NAMES and kind.__module__ == "numpy":
        return bool(value)
    try:
        # numpy scalars and 0-d arrays: item() gives the plain Python value, bool for numpy.bool_.
        # It comes before __index__/__float__ because a 0-d bool array has __float__ too.
        if unwrap and hasattr(value, "item"):
            inner = value.item()
            if inner is None:
                return MISSING
            return _slow_scalar(inner, type(inner), False)
        if hasattr(kind, "__index__"):
            try:
                return int(value.__index__())
            except TypeError:
                pass  # ndarray has __index__ but refuses non-integer arrays; try __float__
        if hasattr(kind, "__float__"):
            return float(value)
    except Exception:  # a value whose own conversion fails is bad input, never our crash
        return INVALID
    return INVALID


def label(value):
    """A prediction's or actual's class as the conventions carry it: a string (booleans as "true"/"false")."""
    v = scalar(value)
    if v is MISSING or v is INVALID:
        return v
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is str:
        return v
    return INVALID


def number(value):
    """A finite-or-not float for a numeric slot (score, value, latency), or MISSING, or INVALID."""
    v = scalar(value)
    if v is MISSING or v is INVALID:
        return v
    if type(v) is bool or type(v) is str:
        return INVALID
    return float(v)
