"""The desk's softphone: the Textual side of the pjsua2 phone behind the call bar.

- ``controller.py`` — ``DeskPhone``, the thin widget that starts/stops the phone and runs its actions;
- ``adapter.py`` — building the :class:`~agent_tui.sip.phone.Softphone` from the config and turning
  its events into the inputs of the pure reducer in :mod:`agent_tui.core.call_state`;
- ``keys.py`` — the phone's key table, bindings and command-palette entries;
- ``host.py`` — what the phone needs from the app (a typed ``Protocol``, no ``getattr``).

The desk screen does not import this package: the app hands it the call bar and the phone's
palette commands, so ``screens`` stay below ``desk_phone`` in the layer table.
"""
