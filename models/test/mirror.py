"""A local HTTP server standing in for GitHub and dl.fbaipublicfiles.com in the offline export tests.

Serves ROOT/HOST/PATH for GET /HOST/PATH (the layout models/fetch.py asks for with a mirror), with Range requests
(206). Faults, to prove resumption: drop_once - the first response of each file sends its headers and half the body,
then closes the connection; broken - paths (substrings) whose every response is cut after half the body.
"""
import http.server
import os
import threading


class Mirror:
    def __init__(self, root, drop_once=False, broken=()):
        self.root, self.drop_once, self.broken = root, drop_once, list(broken)
        self.dropped, self.requests = set(), []
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = os.path.join(mirror.root, self.path.lstrip('/'))
                if '..' in self.path or not os.path.isfile(path):
                    self.send_error(404)
                    return
                size = os.path.getsize(path)
                start = 0
                rng = self.headers.get('Range')
                if rng and rng.startswith('bytes='):
                    start = int(rng[6:].split('-')[0])
                    if start >= size:
                        self.send_error(416)
                        return
                mirror.requests.append((self.path, start))
                self.send_response(206 if start else 200)
                self.send_header('Content-Length', str(size - start))
                if start:
                    self.send_header('Content-Range', f'bytes {start}-{size - 1}/{size}')
                self.end_headers()
                cut = None
                if any(b in self.path for b in mirror.broken) or (mirror.drop_once and self.path not in mirror.dropped):
                    mirror.dropped.add(self.path)
                    cut = start + max(1, (size - start) // 2)
                with open(path, 'rb') as f:
                    f.seek(start)
                    left = (cut or size) - start
                    while left > 0:
                        chunk = f.read(min(left, 1 << 20))
                        self.wfile.write(chunk)
                        left -= len(chunk)
                if cut is not None:
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)  # the network failure: the body stops short

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
