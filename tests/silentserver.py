"""A server on loopback that accepts connections and never answers: the mail server, SMS
gateway, broker or database that hangs, for the tests of what must not wait for it forever."""

from __future__ import annotations

import socket
import threading


class SilentServer:
    """Listens on a free loopback port, accepts every connection and sends nothing. `close()`
    drops the connections, which the waiting clients see as the server hanging up."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._listener.settimeout(0.1)  # so that the accepting thread notices close()
        self.port: int = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                peer, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(peer)

    def close(self) -> None:
        self._closing.set()
        self._thread.join(5)
        self._listener.close()
        for peer in self.accepted:
            peer.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
