"""Wire protocol v1 (sans-I/O): vocabulary (:mod:`.messages`), validation
(:mod:`.codec`) and the client session state machine (:mod:`.session`)."""

from agent_tui.protocol.codec import ProtocolError, decode_server_frame, encode
from agent_tui.protocol.messages import PROTOCOL_VERSION, SUBPROTOCOL
from agent_tui.protocol.session import ClientSession, CommandHandle

__all__ = [
    "PROTOCOL_VERSION",
    "SUBPROTOCOL",
    "ClientSession",
    "CommandHandle",
    "ProtocolError",
    "decode_server_frame",
    "encode",
]
