"""The reference contact center that agent-tui talks to (``agent-tui center …``).

Modules, one job each:

- ``config``   — center.yaml (errors name file, line, field)
- ``store``    — SQLite schema (WAL) and explicit transactions
- ``auth``     — scrypt password hashes, session tokens (only their SHA-256 is stored), ids
- ``router``   — pure routing decisions: skill, per-channel capacity, longest idle first, exclusions
- ``hub``      — the domain core: agents, sessions, per-agent event streams (stored before sent,
                 replayed on resume), idempotent commands, offers, conversations, team chat,
                 presence batching, stats; the domain API the voice bridge and the simulation use
- ``conversations``, ``teamchat``, ``stats``, ``commands`` — the hub's parts (mixins);
  ``hub_base`` is what they may use of each other, checked by mypy
- ``server``   — thin I/O shell: wss (subprotocol agent-tui.v1, permessage-deflate) + HTTPS ingress
- ``run``      — wires database, hub, servers, simulation and (optionally) voice together
- ``init``     — ``center init DIR [--demo]``: config, private CA + server certificate, database
- ``seed_demo``— demo agents, teams, queues, wrap-up codes, canned answers
- ``simulate`` — demo customers and back-office colleagues
- ``cli``      — the ``center`` sub-commands (also ``python -m agent_tui.center``)
- ``kb``, ``seed_kb`` — knowledge base (FTS5) and its demo articles
- ``voice/``   — the voice engine and its bridge to the hub

Everything in the hub runs on one event loop thread and each operation is one
SQLite transaction, so commands never interleave and a crash loses nothing
that was acknowledged.
"""
