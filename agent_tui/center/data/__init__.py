"""Data files of the reference center (read through :mod:`agent_tui.center.demo_data`).

- ``demo.yaml`` — the demo center's teams, people, queues, wrap-up codes and canned replies;
- ``demo_kb.yaml`` — the demo knowledge base, every topic in English and Dutch.
"""
