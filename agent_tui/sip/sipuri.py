"""Reading SIP addresses and raw messages: the user part of a URI, the caller id, headers.

Pure string functions (no pjsua2): pjsua2 hands URIs and whole messages over as text.
"""

from __future__ import annotations

import re

# The user part between "sip:"/"sips:" and "@"; a URI without "@" has no user.
_URI_USER = re.compile(r"sips?:([^@;>]+)@")
_DISPLAY = re.compile(r'^\s*"?([^"<]*?)"?\s*<')


def uri_user(uri: str) -> str:
    """The user part of a SIP URI (``'"Ann" <sips:+3120@h>'`` → ``"+3120"``); '' when absent."""
    m = _URI_USER.search(uri or "")
    return m.group(1) if m else ""


def display_name(uri: str) -> str:
    """The display name in front of ``<sip:...>``, without quotes; '' when there is none."""
    d = _DISPLAY.match(uri or "")
    return d.group(1).strip() if d else ""


def caller_id(remote_uri: str) -> tuple[str, str]:
    """(number-or-user, display name) from a remote URI like '"Ann" <sip:+3120@host>'.

    Without a user part the whole URI stands in for the number.
    """
    return uri_user(remote_uri) or remote_uri, display_name(remote_uri)


def _head_lines(whole_msg: str) -> list[str]:
    return whole_msg.split("\r\n\r\n", 1)[0].split("\r\n")


def request_user(whole_msg: str) -> str:
    """The user part of a request's Request-URI (``INVITE sip:pickup-x@h SIP/2.0`` → ``pickup-x``)."""
    parts = _head_lines(whole_msg)[0].split(" ")
    return uri_user(parts[1]) if len(parts) >= 2 else ""


def header(whole_msg: str, name: str) -> str:
    """The value of the first header called ``name`` (case-insensitive); '' when absent."""
    lname = name.lower()
    for line in _head_lines(whole_msg)[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == lname:
            return value.strip()
    return ""


def x_headers(whole_msg: str) -> dict[str, str]:
    """The X- headers of a message (the center passes the conversation id this way)."""
    headers: dict[str, str] = {}
    for line in _head_lines(whole_msg)[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower().startswith("x-"):
            headers[key.strip()] = value.strip()
    return headers
