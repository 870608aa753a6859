"""Python asyncio echo server for EchoBench, after uvloop's examples/bench/echoserver.py.

    python3 asyncio_echo.py streams|protocol

Binds 127.0.0.1 on a free port, prints "PORT <n>" and serves until stdin closes (so it dies with the
benchmark JVM). streams: asyncio.start_server with a reader/writer pair; protocol: asyncio.Protocol.
"""
import asyncio
import socket
import sys


async def echo_streams(reader, writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await reader.read(102400)
            if not data:
                break
            writer.write(data)  # as uvloop's benchmark: no drain, the ping-pong client bounds the buffer
    except (ConnectionError, asyncio.CancelledError):
        pass  # the client went away, or the server is shutting down with the connection open
    writer.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.transport.write(data)

    def connection_lost(self, exc):
        self.transport = None


async def main(mode):
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(echo_streams, "127.0.0.1", 0, backlog=2048)
    else:
        server = await loop.create_server(EchoProtocol, "127.0.0.1", 0, backlog=2048)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    async with server:
        await stdin_closed


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("streams", "protocol"):
        sys.exit("usage: asyncio_echo.py streams|protocol")
    asyncio.run(main(sys.argv[1]))
