"""restd: a Python implementation of Slurm's REST API daemon (slurmrestd).

The directory layout keeps the C binding (native/) and the plugins (plugins/) at the
top of the tree, but installs them inside the ``restd`` package so that imports read
``restd.native`` and ``restd.plugins.auth.jwt``.
"""
from setuptools import setup

PLUGIN_FAMILIES = ["auth", "content", "data_parser", "serializer"]

setup(
    name="restd",
    version="0.1.0",
    description="Slurm REST API daemon (slurmrestd-compatible), in Python",
    python_requires=">=3.11",
    packages=["restd", "restd.http", "restd.native", "restd.plugins"]
    + [f"restd.plugins.{family}" for family in PLUGIN_FAMILIES],
    package_dir={"restd.native": "native", "restd.plugins": "plugins"},
    include_package_data=True,
    setup_requires=["cffi>=1.15"],
    cffi_modules=["native/build_libslurm.py:ffibuilder"],
    install_requires=[
        "uvloop>=0.17,<1",
        "httptools>=0.6,<1",
        "orjson>=3.9,<4",
        "ruamel.yaml>=0.17.21,<0.19",
        "PyJWT[crypto]>=2.6,<3",  # crypto: RS256 tokens checked against a JWKS
        "cffi>=1.15,<3",
    ],
    extras_require={
        "test": [
            "pytest>=7", "pytest-timeout>=2", "openapi-spec-validator>=0.7", "jsonschema>=4",
            "cryptography>=41",
            # the generated OpenAPI client of tests/test_generated_client.py and its needs
            "openapi-generator-cli>=7", "urllib3>=2,<3", "python-dateutil>=2.8.2",
            "pydantic>=2.11", "typing-extensions>=4.7.1",
            # generated input against restd's own document (tests/test_generated_inputs.py)
            "schemathesis>=4.3,<5",
        ],
    },
    entry_points={
        "console_scripts": ["restd = restd.cli:main"],
    },
)
