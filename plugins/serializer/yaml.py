"""serializer/yaml: YAML in and out, by ruamel.yaml (safe types only).

Answers are block style unless SLURMRESTD_YAML=compact (flow style, one line).
Like JSON answers they never carry NaN or infinities (written as null), nor
anchors and aliases. Input with aliases is refused: an alias lets a few bytes
stand for an arbitrarily large document.
"""
import io
import math

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.representer import SafeRepresenter

from restd.plugin_api import SerializerError

NAME = "yaml"
MIME_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class _Representer(SafeRepresenter):
    def ignore_aliases(self, data):
        return True

    def represent_float(self, data):
        if not math.isfinite(data):
            return self.represent_none(None)
        return super().represent_float(data)


_Representer.add_representer(float, _Representer.represent_float)


def _yaml(**settings) -> YAML:
    # A YAML object is not thread-safe and answers may be dumped in worker
    # threads: one per call.
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    for name, value in settings.items():
        setattr(yaml, name, value)
    return yaml


def dump(obj, pretty: bool) -> bytes:
    if pretty:
        yaml = _yaml(default_flow_style=False, explicit_start=True)
    else:
        yaml = _yaml(default_flow_style=True, width=2**31 - 1)
    stream = io.BytesIO()
    yaml.dump(obj, stream)
    return stream.getvalue()


def load(data: bytes):
    try:
        text = data.decode("utf-8")
        yaml = _yaml()
        if "*" in text and any(isinstance(event, AliasEvent)
                               for event in yaml.parse(text)):
            raise SerializerError("YAML aliases are not accepted")
        return yaml.load(text)
    except UnicodeDecodeError as error:
        raise SerializerError(f"invalid UTF-8 at byte {error.start}") from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"invalid YAML: {error.problem or error.context}"
        if mark is None:
            raise SerializerError(message) from None
        raise SerializerError(message, mark.line + 1, mark.column + 1) from None
    except YAMLError as error:
        raise SerializerError(f"invalid YAML: {error}") from None
