"""pjsua2 for the project: the softphone, and the one base every pjsua2 process builds on.

The base (used by the softphone here and by the center's voice engine and simulated customer
in :mod:`agent_tui.center.voice`), one job per module:

* ``engine``   — :class:`SipEngine`: the owner loop, the only thread that touches pjsua2
                 (command queue in, plain events out, timers, clean shutdown); runs on its own
                 thread (``start``/``stop``) or on the current one (``open``/``run_forever``/``close``).
* ``config``   — :class:`EngineConfig` and :class:`AccountSpec`, plain settings without pjsua2.
* ``endpoint`` — library start (TLS 1.2 with verification, TCP keep-alive, quiet pjlib, codecs)
                 and the account configuration (mandatory SDES-SRTP, registration, NAT helpers).
* ``profiles`` — ``low`` (≤ 30 kbit/s per direction at the IP layer) and ``normal`` codec profiles.
* ``media``    — media-state words, a call's conference-bridge port, the CallOpParam for calls.
* ``sipuri``   — URI user part, caller id, headers of a raw SIP message.
* ``events``   — the plain dataclasses the engine posts (registration, calls, media, quality, ...).

The softphone:

* ``account``  — registration over TLS (retry 30 s, keep-alives), incoming calls.
* ``call``     — one call: state/media events, hold, mute, DTMF, transfer, RTCP figures.
* ``phone``    — :class:`Softphone`: the thread-safe facade the desk uses (commands → futures).
* ``audio``    — the headset: an AudioMediaPort bridged to PortAudio (sounddevice), level meter,
                 test tone, ring device, device listing.
* ``quality``  — RTT/jitter/loss and an E-model MOS estimate (pure functions).
* ``headless`` — the tester's headless softphone (``agent-tui ctl ... phone``).

``config``, ``events``, ``profiles``, ``sipuri``, ``quality``, ``audio`` and ``engine`` do not
import pjsua2 (``agent-tui`` builds its parsers without loading it); the others do. Importing
pjsua2 creates no library state: that begins at ``SipEngine.start()``/``open()``.
"""
