package dev.tutor.runtime.bench;

import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerKind;

/** An echo server the benchmarks measure beside the bundled one: every one of them is of the echo kind. */
interface EchoContender extends LoopbackServer {
    @Override
    default ServerKind kind() {
        return ServerKind.ECHO;
    }
}
