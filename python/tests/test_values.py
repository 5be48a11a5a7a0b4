import decimal
import math
import unittest

from driftline.values import INVALID, MISSING, scalar

from .fakes import FakeArray, FakeBool, FakeDatetime64, FakeFloat32, FakeFloat64, FakeInt64, FakeNA, FakeOldBool, FakeZeroDimBool


def same(test, got, want):
    test.assertIs(type(got), type(want), f"{got!r} should be a {type(want).__name__}")
    if isinstance(want, float) and math.isnan(want):
        test.assertTrue(math.isnan(got))
    else:
        test.assertEqual(got, want)


class NormalisationTest(unittest.TestCase):
    def test_plain_python_values_pass_unchanged(self):
        for value in (1, -7, 2.5, "01", "", True, False):
            same(self, scalar(value), value)

    def test_strings_are_kept_exactly_never_parsed_as_numbers(self):
        same(self, scalar("42"), "42")
        same(self, scalar(" 1.5 "), " 1.5 ")
        same(self, scalar("True"), "True")

    def test_numpy_int64_is_an_integer_through_item(self):
        same(self, scalar(FakeInt64(7)), 7)

    def test_numpy_float32_and_float64_are_doubles(self):
        same(self, scalar(FakeFloat32(2.5)), 2.5)
        same(self, scalar(FakeFloat64(3.25)), 3.25)

    def test_numpy_bool_is_a_boolean_not_the_number_one(self):
        same(self, scalar(FakeBool(True)), True)
        same(self, scalar(FakeBool(False)), False)

    def test_old_numpy_bool_with_index_is_still_a_boolean(self):
        same(self, scalar(FakeOldBool(True)), True)

    def test_zero_dimensional_bool_array_is_a_boolean(self):
        same(self, scalar(FakeZeroDimBool(True)), True)

    def test_none_and_pandas_na_are_missing(self):
        self.assertIs(scalar(None), MISSING)
        self.assertIs(scalar(FakeNA()), MISSING)

    def test_nan_stays_a_double_which_the_collector_counts_as_missing(self):
        same(self, scalar(float("nan")), float("nan"))
        same(self, scalar(FakeFloat64("nan")), float("nan"))

    def test_objects_with_only_index_or_float_are_numbers(self):
        class OnlyIndex:
            def __index__(self):
                return 3

        same(self, scalar(OnlyIndex()), 3)
        same(self, scalar(decimal.Decimal("1.5")), 1.5)

    def test_values_the_conventions_cannot_carry_are_invalid(self):
        for value in ([1], (1,), {"a": 1}, {1}, b"x", bytearray(b"x"), object(), FakeArray(), FakeDatetime64()):
            self.assertIs(scalar(value), INVALID, repr(value))

    def test_a_value_whose_conversion_raises_is_invalid_not_an_exception(self):
        class Broken:
            def __float__(self):
                raise RuntimeError("boom")

        self.assertIs(scalar(Broken()), INVALID)


try:
    import numpy
except ImportError:  # the fakes above cover the protocols; this checks them against the real thing
    numpy = None


@unittest.skipIf(numpy is None, "numpy is not installed here; the fake numpy scalars above stand in for it")
class RealNumpyTest(unittest.TestCase):
    def test_real_numpy_scalars_normalise_like_their_fakes(self):
        same(self, scalar(numpy.int64(7)), 7)
        same(self, scalar(numpy.uint8(200)), 200)
        same(self, scalar(numpy.float32(2.5)), 2.5)
        same(self, scalar(numpy.float64(3.25)), 3.25)
        same(self, scalar(numpy.bool_(True)), True)
        same(self, scalar(numpy.array(True)), True)
        same(self, scalar(numpy.str_("a")), "a")
        self.assertIs(scalar(numpy.array([1, 2])), INVALID)
        self.assertIs(scalar(numpy.datetime64("2020-01-01")), INVALID)
