"""The reference contact center that agent-tui talks to (``agent-tui center …``).

Modules, one job each:

- ``config``   — center.yaml (errors name file, line, field)
- ``store/``   — all SQL: schema (WAL), explicit transactions, one module of named queries per area
- ``auth``     — scrypt password hashes, session tokens (only their SHA-256 is stored), ids
- ``router``   — pure routing decisions: skill, per-channel capacity, longest idle first, exclusions
- ``hub``      — the composition root: builds the services below and is the domain API the
                 server, the voice bridge, the simulation and the tests use
- ``events``   — transactions, savepoints, after-commit hooks, per-agent event streams (stored
                 before sent, sent after COMMIT, replayed on resume); ``timers`` — timers on the loop
- ``presence`` — users, teams, queues, agent states; ``sessions`` — logins, resume, grace, offline
- ``routing``  — the waiting list, routing passes and offers
- ``conversations`` — customer messages in, replies out, transfer, wrap-up (``views``: wire shapes)
- ``teamchat``, ``stats``, ``knowledge`` (the ``kb.*`` ops) — the other services
- ``commands`` — the op table (op → service method, with the role it needs), idempotent runs
- ``server``   — thin I/O shell: wss (subprotocol agent-tui.v1, permessage-deflate) + HTTPS ingress
- ``run``      — wires database, hub, servers, simulation and (optionally) voice together
- ``init``     — ``center init DIR [--demo]``: config, private CA + server certificate, database
- ``seed_demo``— seeds queues and wrap-up codes, and with --demo the demo center and articles
- ``demo_data``— reads the demo data files in ``data/`` (demo center, demo knowledge base)
- ``simulate`` — demo customers and back-office colleagues
- ``cli``      — the ``center`` sub-commands (also ``python -m agent_tui.center``)
- ``kb/``     — knowledge base: words and stems, FTS5 queries, the service (SQL in ``store/kb.py``)
- ``voice/``   — the voice engine and its bridge to the hub

Everything in the hub runs on one event loop thread and each operation is one
SQLite transaction, so commands never interleave and a crash loses nothing
that was acknowledged.
"""
