"""The serializer plugins (json, yaml, url_encoded) and content negotiation."""
import math

import orjson
import re

import pytest

from restd.negotiation import Negotiator, media_type, parse_accept
from restd.plugin_api import SerializerError
from restd.plugins.serializer import json, url_encoded, yaml

SAMPLE = {
    "jobs": [{"job_id": 193, "job_state": ["RUNNING"], "name": "a: b # c",
              "memory_per_node": {"set": True, "infinite": False, "number": 100},
              "comment": None, "ratio": 0.25, "script": "#!/bin/bash\nsrun uptime\n",
              "unicode": "héllo ☃", "numeric_string": "24"}],
    "meta": {"command": []},
    "errors": [],
    "warnings": [],
}
NOT_FINITE = {"values": [float("nan"), float("inf"), float("-inf"), 1.5]}


# --- json --------------------------------------------------------------------------

@pytest.mark.parametrize("pretty", [True, False])
def test_json_round_trip(pretty):
    assert json.load(json.dump(SAMPLE, pretty)) == SAMPLE


def test_json_pretty_is_two_space_indented_and_compact_has_no_whitespace():
    assert json.dump({"a": [1]}, True) == b'{\n  "a": [\n    1\n  ]\n}'
    assert json.dump({"a": [1]}, False) == b'{"a":[1]}'


@pytest.mark.parametrize("pretty", [True, False])
@pytest.mark.parametrize("batch", [1, 2, 5])
def test_json_list_written_in_batches_is_the_whole_dump(pretty, batch):
    """A top-level list written piece by piece (restd.app's streamed answers): the
    answer around it, each batch's items (empty batches among them), the joints and
    the end are byte for byte the dump of the whole answer; nothing is cut out of
    dumped JSON, so items of any shape keep their layout."""
    items = [{"a": 1, "nested": {"list": [1, [2, {}]], "empty": []}},
             'line\nbreak "quoted" \u00e9', [], {}, None, 3.5,
             {"deep": [{"x": ["y"]}]}]
    for listed in (items, items[:1], []):
        answer = {"meta": {"plugin": "x"}, "jobs": listed, "warnings": [], "errors": []}
        head, tail = json.dump_around(answer, "jobs", pretty)
        parts, opened = [head], False
        batches = [listed[i:i + batch] for i in range(0, len(listed), batch)]
        for piece in [json.dump_list_items(b, pretty) for b in [[], *batches, []]]:
            if piece:
                parts += [json.dump_list_joint(not opened), piece]
                opened = True
        parts += [json.dump_list_end(pretty, not opened), tail]
        assert b"".join(parts) == json.dump(answer, pretty)


def test_json_list_items_written_by_c_are_kept_as_they_are():
    written = b'\n    {"a": 1},\n    {"b": 2}'
    assert json.dump_list_items(written, True) == written
    assert json.dump_list_items(bytearray(b'{"a":1},{"b":2}'), False) == b'{"a":1},{"b":2}'


def test_json_error_names_line_and_column():
    with pytest.raises(SerializerError) as failure:
        json.load(b'{\n  "job": {"tasks": }\n}')
    assert (failure.value.line, failure.value.column) == (2, 20)
    assert "line 2, column 20" in str(failure.value)


@pytest.mark.parametrize("serializer", [json, yaml])
@pytest.mark.parametrize("pretty", [True, False])
def test_output_never_carries_nan_or_infinity(serializer, pretty):
    text = serializer.dump(NOT_FINITE, pretty).decode().lower()
    assert "nan" not in text and "inf" not in text
    assert serializer.load(serializer.dump(NOT_FINITE, pretty)) == {
        "values": [None, None, None, 1.5]}


# --- yaml --------------------------------------------------------------------------

@pytest.mark.parametrize("pretty", [True, False])
def test_yaml_round_trip(pretty):
    assert yaml.load(yaml.dump(SAMPLE, pretty)) == SAMPLE


def test_yaml_pretty_is_block_style_and_compact_is_one_flow_line():
    pretty = yaml.dump(SAMPLE, True).decode()
    compact = yaml.dump(SAMPLE, False).decode()
    assert re.search(r"\n *- job_id: 193\n", pretty)
    assert compact.startswith("{") and compact.rstrip("\n").count("\n") == 0
    assert len(compact) < len(pretty)


TRICKY_STRINGS = [
    "", " x", "x ", "yes", "No", "on", "1", "1e3", "0x1f", ".inf", "-1", "3.5", "2024-01-01",
    "a: b", "#c", "- d", "-", "?x", "*alias", "&a", "!tag", "%p", "@x", "`x", "{x}", "[x]",
    ">x", "|x", "x,y", "null", "~", "quote\"", "'s", "back\\slash", "é", "😀",
    "line\nbreak", "tab\there", "\x00\x1b", "\x7f\x85\x9f\ufffe\u2028\u2029",
]


@pytest.mark.parametrize("pretty", [True, False])
def test_yaml_keeps_every_string_as_it_was(pretty):
    data = {"values": TRICKY_STRINGS, "keys": {text: text for text in TRICKY_STRINGS},
            "nested": [[], [1, [2]], {}, {"k": {"z": [{"q": None}]}}, [{"a": 1, "b": [{}]}]]}
    assert yaml.load(yaml.dump(data, pretty)) == data


def test_yaml_dumps_shared_objects_without_anchors():
    shared = {"x": 1}
    text = yaml.dump({"a": shared, "b": shared}, True).decode()
    assert "&" not in text and "*" not in text


def test_yaml_reads_what_json_reads():
    assert yaml.load(b'{"a": [1, 2.5, true, null, "x"]}') == {"a": [1, 2.5, True, None, "x"]}


def test_yaml_error_names_line_and_column():
    with pytest.raises(SerializerError) as failure:
        yaml.load(b"job:\n  tasks: [1\n  name: x\n")
    assert failure.value.line == 3


def test_yaml_refuses_aliases():
    bomb = b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(SerializerError, match="aliases"):
        yaml.load(bomb)


def test_yaml_refuses_python_objects():
    with pytest.raises(SerializerError):
        yaml.load(b"!!python/object/apply:os.system ['true']")


def test_yaml_refuses_invalid_utf8():
    with pytest.raises(SerializerError, match="UTF-8"):
        yaml.load(b"a: \xff\n")


# --- url_encoded -------------------------------------------------------------------

def test_url_encoded_fields():
    assert url_encoded.load(b"a=1&b=2&b=3&with_usage&c=x+y%20z&d=&&e=%C3%A9") == {
        "a": "1", "b": ["2", "3"], "with_usage": True, "c": "x y z", "d": "", "e": "é"}


def test_url_encoded_is_input_only():
    assert url_encoded.dump is None


def test_url_encoded_refuses_invalid_utf8():
    with pytest.raises(SerializerError):
        url_encoded.load(b"a=%ff")


# --- negotiation -------------------------------------------------------------------

NEGOTIATOR = Negotiator([url_encoded, yaml, json])


@pytest.mark.parametrize("accept, expected", [
    (None, "application/json"),
    ("", "application/json"),
    ("garbage", "application/json"),
    ("*/*", "application/json"),
    ("application/*", "application/json"),
    ("application/yaml", "application/yaml"),
    ("application/x-yaml", "application/x-yaml"),
    ("text/yaml", "text/yaml"),
    ("application/json;q=0.5, application/yaml", "application/yaml"),
    ("application/yaml;q=0.1, */*;q=0.2", "application/json"),
    ("text/html, application/xhtml+xml, */*;q=0.8", "application/json"),
    ("APPLICATION/YAML", "application/yaml"),
    ("application/json;q=0, */*", "application/yaml"),
    ("application/yaml;q=bogus, application/json;q=0.3", "application/json"),
])
def test_writer_honours_accept(accept, expected):
    media, serializer = NEGOTIATOR.writer(accept)
    assert media == expected
    assert media in serializer.MIME_TYPES


@pytest.mark.parametrize("accept", ["application/xml", "text/html",
                                    "application/json;q=0", "*/*;q=0"])
def test_writer_finds_nothing_acceptable(accept):
    assert NEGOTIATOR.writer(accept) is None


def test_url_encoded_is_never_an_answer_format():
    assert NEGOTIATOR.writer("application/x-www-form-urlencoded") is None
    assert "application/x-www-form-urlencoded" not in NEGOTIATOR.output_types



def test_an_accept_header_is_read_once_while_it_is_kept(monkeypatch):
    from restd import negotiation
    read = []
    monkeypatch.setattr(negotiation, "parse_accept",
                        lambda header, parse=parse_accept: read.append(header) or parse(header))
    negotiator = Negotiator([url_encoded, yaml, json])
    for _ in range(3):
        assert negotiator.writer("application/yaml")[0] == "application/yaml"
        assert negotiator.writer(None)[0] == "application/json"
    assert read == ["application/yaml", ""]
    for number in range(negotiation.WRITERS_KEPT):  # the first is pushed out, read again
        negotiator.writer(f"application/json;q=0.{number % 9 + 1}, text/x{number}")
    assert negotiator.writer("application/yaml")[0] == "application/yaml"
    assert read[-1] == "application/yaml" and len(read) == negotiation.WRITERS_KEPT + 3

@pytest.mark.parametrize("content_type, expected", [
    ("application/json", json),
    ("Application/JSON; charset=utf-8", json),
    ("application/x-yaml", yaml),
    ("application/yaml", yaml),
    ("text/yaml;charset=UTF-8", yaml),
    ("application/x-www-form-urlencoded", url_encoded),
    (None, url_encoded),  # as slurmrestd: no Content-Type is a form
    ("", url_encoded),
    ("text/plain", None),
    ("application/xml", None),
])
def test_reader_for_content_type(content_type, expected):
    assert NEGOTIATOR.reader(content_type) is expected


@pytest.mark.parametrize("content_type", [
    "application/json; charset=utf-16", "text/yaml; charset=iso-8859-1", "text/plain"])
def test_body_reader_refuses_what_it_cannot_read(content_type):
    from restd.negotiation import UnsupportedBody
    with pytest.raises(UnsupportedBody):
        NEGOTIATOR.body_reader(content_type)


def test_body_reader_takes_utf8_charsets():
    assert NEGOTIATOR.body_reader("application/json; charset=\"UTF-8\"") is json
    assert NEGOTIATOR.body_reader("application/json;charset=utf8") is json


@pytest.mark.parametrize("data", [b'{"a": 1}', b"a=b c", b"a=\xc3\xa9", b'a="x"',
                                  b"a=1\nb=2"])
def test_url_encoded_refuses_characters_that_must_be_percent_encoded(data):
    with pytest.raises(SerializerError):
        url_encoded.load(data)


def test_url_encoded_takes_what_clients_send_unencoded():
    assert url_encoded.load(b"nodes=n[1-3]&start=now-1day&state=a,b:c&q='x'") == {
        "nodes": "n[1-3]", "start": "now-1day", "state": "a,b:c", "q": "'x'"}


def test_accept_parsing():
    assert parse_accept("a/b;q=0.5, c/d , bad, e/f;q=2, g/h;level=1;q=0") == [
        ("a/b", 0.5), ("c/d", 1.0), ("g/h", 0.0)]
    assert media_type(" Text/YAML ; charset=utf-8") == "text/yaml"


def test_orjson_guard_holds():
    """The data_parser avoids NaN and infinities; if one slips through, orjson
    still writes null (the guard the tests above rely on)."""
    assert orjson.dumps(math.nan) == b"null"
