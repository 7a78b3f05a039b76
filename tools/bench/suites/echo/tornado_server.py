# Echo peer: Python Tornado's TCPServer, read_until(b"\n") then write. Prints {"port": N} once
# listening on 127.0.0.1 (the harness protocol, see tools/bench/lib/server-process.mjs).
import asyncio
import json
import signal

from tornado.iostream import StreamClosedError
from tornado.netutil import bind_sockets
from tornado.tcpserver import TCPServer


class EchoServer(TCPServer):
    async def handle_stream(self, stream, address):
        try:
            while True:
                line = await stream.read_until(b"\n")
                await stream.write(line)
        except StreamClosedError:
            pass


async def main():
    sockets = bind_sockets(0, "127.0.0.1")
    EchoServer().add_sockets(sockets)
    print(json.dumps({"port": sockets[0].getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


asyncio.run(main())
