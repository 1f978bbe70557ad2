"""The six reference systems by name, imported only when asked for."""

from __future__ import annotations

import importlib

from reference.kit.spec import SystemSpec

# name -> (package, fixed loopback port documented in the README)
SYSTEMS: dict[str, tuple[str, int]] = {
    "crm": ("reference.crm", 8101),
    "erp": ("reference.erp", 8102),
    "oms": ("reference.oms", 8103),
    "wms": ("reference.wms", 8104),
    "srm": ("reference.srm", 8105),
    "oa": ("reference.oa", 8106),
}


def get_spec(name: str) -> SystemSpec:
    """The spec of system ``name``; raises KeyError naming the known systems."""
    if name not in SYSTEMS:
        raise KeyError(f"unknown reference system {name!r}; known: {', '.join(SYSTEMS)}")
    module = importlib.import_module(SYSTEMS[name][0])
    spec: SystemSpec = module.SPEC
    return spec
