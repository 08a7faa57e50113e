"""tls_server - the stand-ins' HTTPS: a ThreadingHTTPServer that speaks TLS with a
given certificate, to test which CA bundle a client verifies with.

Each connection's handshake runs in its own thread, so that a client that refuses
the certificate (the point of some tests) stops nobody else. Standard library only.
"""

import ssl
from http.server import ThreadingHTTPServer


class TLSServer(ThreadingHTTPServer):
    def __init__(self, address, handler, cert, key):
        super().__init__(address, handler)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(cert, key)

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)


def make_server(address, handler, cert=None, key=None):
    """HTTPS with cert and key, else plain HTTP."""
    if cert:
        return TLSServer(address, handler, cert, key)
    return ThreadingHTTPServer(address, handler)
