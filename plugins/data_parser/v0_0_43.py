"""data_parser v0.0.43: Slurm 25.05's data_parser v0.0.43, described in
restd.data_parser.v0043 (see restd.data_parser.plugin for the interface)."""
from restd.data_parser.plugin import DataParserModule

_PLUGIN = DataParserModule("v0.0.43")
NAME, FLAGS, VERSION = _PLUGIN.NAME, _PLUGIN.FLAGS, _PLUGIN.VERSION
schemas, dump, parse, kind_name = _PLUGIN.schemas, _PLUGIN.dump, _PLUGIN.parse, _PLUGIN.kind_name
