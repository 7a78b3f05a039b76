# JSON peer in Python Tornado: one RequestHandler in a web.Application, routed by
# `/user/([0-9]+)`; the path argument arrives as get()'s argument and the dict goes out as JSON
# with `application/json; charset=UTF-8` (Tornado adds Date, Server and Etag). write(dict) would
# do the same but with json.dumps' default `", "` / `": "` separators, so the dict is encoded here
# with compact separators to send the same bytes as every other peer. The callback form has no
# routing, so only the web form takes part here.
# Prints {"port": N} once listening on 127.0.0.1 (the harness protocol, see tools/bench/README.md).
import asyncio
import json
import signal

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler


class UserHandler(RequestHandler):
    def get(self, user_id):
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.write(json.dumps({"id": user_id, "name": "user-" + user_id}, separators=(",", ":")))


async def main():
    sockets = bind_sockets(0, "127.0.0.1")
    HTTPServer(Application([(r"/user/([0-9]+)", UserHandler)])).add_sockets(sockets)
    print(json.dumps({"port": sockets[0].getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


asyncio.run(main())
