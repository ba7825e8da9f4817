"""The softphone: SIP over TLS with mandatory SRTP, on pjsua2, driven from one owner thread.

Modules, one job each:

* ``engine``   — :class:`SipEngine`: the pjsua2 Endpoint and the only thread that touches it
                 (command queue in, plain events out, clean start/stop); reused by other pjsua2
                 processes of the project.
* ``events``   — the plain dataclasses the engine posts (registration, calls, media, quality, ...).
* ``account``  — registration over TLS (retry 30 s, keep-alives), SRTP policy, incoming calls.
* ``call``     — one call: state/media events, hold, mute, DTMF, transfer, RTCP figures.
* ``phone``    — :class:`Softphone`: the thread-safe facade the desk uses (commands → futures).
* ``audio``    — the headset: an AudioMediaPort bridged to PortAudio (sounddevice), level meter,
                 test tone, ring device, device listing.
* ``profiles`` — ``low`` (≤ 30 kbit/s per direction at the IP layer) and ``normal`` codec profiles.
* ``quality``  — RTT/jitter/loss and an E-model MOS estimate (pure functions).
* ``headless`` / ``phone_cli`` — the tester's headless softphone (``agent-tui ctl ... phone``).

``events``, ``profiles``, ``quality``, ``audio``, ``engine`` and ``phone_cli`` do not import pjsua2
(``agent-tui`` builds the ctl parser without loading it); ``account``, ``call``, ``phone`` and
``headless`` do. Importing pjsua2 creates no library state: that begins at ``SipEngine.start()``.
"""
