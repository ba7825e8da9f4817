"""numpy, loaded when first used: ``from agent_tui.sip.lazy_numpy import np``.

numpy costs about 12 MB of resident memory and 60 ms to import; only the headset bridge and
level meters use it, so the headless phone (WAV files, no headset) never loads it (issue 12,
docs/benchmarks.md "Headless phone memory and CPU").
"""

from __future__ import annotations

import importlib
from typing import Any


class _LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Any = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


np: Any = _LazyModule("numpy")
