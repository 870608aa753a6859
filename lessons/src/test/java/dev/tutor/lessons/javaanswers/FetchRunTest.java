package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FetchRunTest {

    @Test
    void theStatusIsTheSecondWordOfAnHttpStatusLine() {
        assertEquals(200, FetchRun.status("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertEquals(405, FetchRun.status("HTTP/1.1 405 Method Not Allowed\r\n\r\n"));
        assertEquals(-1, FetchRun.status("SSH-2.0-OpenSSH_9.6\r\n"));
        assertEquals(-1, FetchRun.status("HTTP/1.1 OK fine"));
        assertEquals(-1, FetchRun.status(""));
    }

    @Test
    void aLoopGateHandsPermitsToWaitersInOrder() {
        try (var loop = dev.tutor.runtime.loop.EventLoop.create()) {
            FetchRun.LoopGate gate = new FetchRun.LoopGate(loop, 1);
            var first = gate.acquire();
            var second = gate.acquire();
            var third = gate.acquire();
            assertEquals(true, first.isDone());
            assertEquals(false, second.isDone());
            gate.release();
            assertEquals(true, second.isDone());
            assertEquals(false, third.isDone());
            gate.release();
            gate.release();
            assertEquals(true, third.isDone());
            assertEquals(true, gate.acquire().isDone(), "the permit given back by the last release");
        }
    }
}
