"""Stand-ins for numpy and pandas scalars, so the normalisation tests run where neither is
installed. Each copies the protocol the real type implements (checked against numpy 2.4 in
test_values.RealNumpyTest where numpy is importable)."""


class FakeInt64:
    """numpy.int64: __index__, __float__ and item() giving a Python int; not an int subclass."""

    def __init__(self, v):
        self.v = int(v)

    def __index__(self):
        return self.v

    def __float__(self):
        return float(self.v)

    def item(self):
        return self.v


class FakeFloat32:
    """numpy.float32: __float__ and item(); no __index__; not a float subclass."""

    def __init__(self, v):
        self.v = float(v)

    def __float__(self):
        return self.v

    def item(self):
        return self.v


class FakeFloat64(float):
    """numpy.float64 subclasses Python's float."""


class FakeBool:
    """numpy.bool_ (named "bool" in numpy 2): __float__ and item() giving a bool, no __index__."""

    def __init__(self, v):
        self.v = bool(v)

    def __float__(self):
        return float(self.v)

    def __bool__(self):
        return self.v

    def item(self):
        return self.v


FakeBool.__name__ = "bool"
FakeBool.__module__ = "numpy"


class FakeOldBool(FakeBool):
    """numpy < 2's numpy.bool_, which also had __index__ (deprecated)."""

    def __index__(self):
        return int(self.v)


FakeOldBool.__name__ = "bool_"
FakeOldBool.__module__ = "numpy"


class FakeZeroDimBool:
    """A 0-d numpy bool array: __index__ refuses, __float__ would say 1.0, item() says True."""

    def __init__(self, v):
        self.v = bool(v)

    def __index__(self):
        raise TypeError("only integer scalar arrays can be converted to a scalar index")

    def __float__(self):
        return float(self.v)

    def item(self):
        return self.v


class FakeArray:
    """A numpy array of several values: every scalar conversion refuses."""

    def __index__(self):
        raise TypeError("only integer scalar arrays can be converted to a scalar index")

    def __float__(self):
        raise TypeError("only length-1 arrays can be converted to Python scalars")

    def item(self):
        raise ValueError("can only convert an array of size 1 to a Python scalar")


class FakeNA:
    """pandas.NA: bool() raises, comparisons return NA."""

    def __bool__(self):
        raise TypeError("boolean value of NA is ambiguous")


FakeNA.__name__ = "NAType"
FakeNA.__module__ = "pandas._libs.missing"


class FakeDatetime64:
    """numpy.datetime64: item() gives a datetime.date, which the conventions cannot carry."""

    def item(self):
        import datetime

        return datetime.date(2020, 1, 1)
