"""PARSE(TRES_STR): a TRES list becomes slurmdbd's "id=count,..." only when every id
and count is a whole number its C member holds; anything else is refused naming the
member (a dictionary for a count answered 500 before)."""
import pytest

from restd.data_parser.parse import parse
from restd.data_parser.v0040 import V0040

PATH = "#/max/tres/"


def test_ids_and_counts_become_the_tres_string():
    result = parse(V0040, "TRES_STR", [{"id": 1, "count": 4}, {"id": "2", "count": -1}],
                   path=PATH)
    assert result.errors == []
    assert result.value == "1=4,2=-1"


@pytest.mark.parametrize("item, source, words", [
    ({"id": 1, "count": {"a": 1}}, "#/max/tres[0]/count/", "Expected integer but got dictionary"),
    ({"id": 1, "count": [1]}, "#/max/tres[0]/count/", "Expected integer"),
    ({"id": 1, "count": 1.5}, "#/max/tres[0]/count/", "floating point number 1.5"),
    ({"id": 1, "count": "inf"}, "#/max/tres[0]/count/", "Expected integer"),
    ({"id": 1, "count": 2 ** 63}, "#/max/tres[0]/count/", "int64_t"),
    ({"id": -1, "count": 5}, "#/max/tres[0]/id/", "uint32_t"),
    ({"id": 2 ** 32, "count": 5}, "#/max/tres[0]/id/", "uint32_t"),
    ({"id": {"x": 1}, "count": 5}, "#/max/tres[0]/id/", "Expected integer"),
    ("cpu", "#/max/tres[0]/", "Expected dictionary but got string"),
])
def test_a_member_that_does_not_fit_is_refused_naming_it(item, source, words):
    result = parse(V0040, "TRES_STR", [item], path=PATH)
    [error] = result.errors
    assert error["source"] == source
    assert words in error["description"]
