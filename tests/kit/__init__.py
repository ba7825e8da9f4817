"""Helpers shared by more than one test directory (and by bench/).

``waiting``       the one "wait until" helper: sync, async and line-log waits with a deadline
``paths``         the repository root and the environment for child processes that import ``tests``
``wsclient``      a raw protocol client for the center (center and voice tests)
``proxy``         a TCP proxy that can drop or stall a link (client and desk tests)
``audio_check``   tone WAV writing and frequency checks (sip, desk, net tests, bench)
``sip_certs``     a throw-away PKI for SIP-over-TLS tests
``phone_proc``    the headless phone as a JSON child process (``python -m tests.kit.phone_proc``)
``voicekit``      JSON-line child processes, the voice engine, SIP phones and customers
``phone_agent``   a raw pjsua2 phone run as a child process by ``voicekit``
``desk_helpers``  the real desk built against a real center
``desk_seed``     a seeded desk state for snapshot and unit tests
``netlab``, ``labcenter``, ``desk_agent``   the network-namespace lab of tests/net
"""
