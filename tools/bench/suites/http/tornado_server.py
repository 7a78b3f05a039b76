# Hello-world peers in Python Tornado, in their own process; the argument picks the form:
#   callback: HTTPServer with a plain request callback (Tornado 6 still accepts a callable and
#             wraps it in _CallableAdapter), answering through request.connection: write_headers
#             with the body, then finish. No web layer: the form tornado-ts's HTTPServer peer uses.
#   web:      one RequestHandler in a web.Application, as most Tornado code is written (it adds
#             Date, Server and Etag headers, and checks the Etag against If-None-Match).
# Prints {"port": N} once listening on 127.0.0.1 (the harness protocol, see tools/bench/README.md).
import asyncio
import json
import signal
import sys

from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPHeaders, ResponseStartLine
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

BODY = b"Hello, world"
START_LINE = ResponseStartLine("HTTP/1.1", 200, "OK")


def hello(request):
    headers = HTTPHeaders({"Content-Type": "text/plain", "Content-Length": "12"})
    request.connection.write_headers(START_LINE, headers, BODY)
    request.connection.finish()


class HelloHandler(RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain")
        self.write(BODY)


APPS = {"callback": lambda: hello, "web": lambda: Application([("/", HelloHandler)])}


async def main(form):
    sockets = bind_sockets(0, "127.0.0.1")
    HTTPServer(APPS[form]()).add_sockets(sockets)
    print(json.dumps({"port": sockets[0].getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


asyncio.run(main(sys.argv[1]))
