package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EpollWaitTest {

    @Test
    void readsTheDescriptorAndTimeOutOfAnEpollWait() {
        assertThat(EpollWait.parse("232 0x5 0x7f9cd84505b0 0x400 0xffffffff 0x0 0xffffffff 0x7f9c 0x7f9d\n", "amd64"))
                .contains(new EpollWait(5, -1));
        assertThat(EpollWait.parse("232 0x4 0x7fc4143d6500 0x400 0x3e8 0x0 0x3e8 0x7fc3 0x7fc4", "amd64"))
                .contains(new EpollWait(4, 1000));
        assertThat(EpollWait.parse("281 0xc 0x7f 0x400 0xffffffffffffffff 0x0 0x8 0x7f 0x7f", "amd64"))
                .contains(new EpollWait(12, -1));
        assertThat(EpollWait.parse("22 0x7 0xffff 0x400 0x0 0x0 0x8 0xffff 0xffff", "aarch64"))
                .contains(new EpollWait(7, 0));
        assertThat(new EpollWait(5, -1).withoutTimeOut()).isTrue();
        assertThat(new EpollWait(5, Integer.MAX_VALUE).withoutTimeOut()).isTrue();
        assertThat(new EpollWait(5, 0).withoutTimeOut()).isFalse();
    }

    @Test
    void findsNoWaitInOtherCallsOrOutsideTheKernel() {
        assertThat(EpollWait.parse("202 0x7f 0x80 0x0 0x0 0x0 0x0 0x7f 0x7f", "amd64")).isEmpty(); // futex
        assertThat(EpollWait.parse("22 0x7 0xffff 0x400 0x0 0x0 0x8 0xffff 0xffff", "amd64")).isEmpty(); // pipe
        assertThat(EpollWait.parse("running", "amd64")).isEmpty();
        assertThat(EpollWait.parse("-1 0x7ffd 0x7f12", "amd64")).isEmpty();
        assertThat(EpollWait.parse("232 0x5 0x7f 0x400 0xffffffff 0x0 0x0 0x7f 0x7f", "riscv64")).isEmpty();
        assertThat(EpollWait.of("0/task/0")).isEmpty();
    }

    @Test
    void seesAThreadBlockedInSelectAndItsTimeOut() throws Exception {
        assumeTrue(EpollInterest.available() && Files.isReadable(Path.of("/proc/thread-self/syscall")),
                "needs Linux's /proc");
        for (long timeout : new long[] {0, 60_000}) {
            Set<Integer> before = EpollInterest.instances();
            try (Selector selector = Selector.open()) {
                int epfd = EpollInterest.openedSince(before).orElseThrow();
                CompletableFuture<String> task = new CompletableFuture<>();
                CountDownLatch done = new CountDownLatch(1);
                Thread waiter = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        task.complete(NativeTask.current().orElse(""));
                        if (timeout == 0) {
                            selector.select();
                        } else {
                            selector.select(timeout);
                        }
                    } catch (Exception e) {
                        task.completeExceptionally(e);
                    } finally {
                        done.countDown();
                    }
                });
                String name = task.get();
                Optional<EpollWait> wait = Optional.empty();
                while (wait.isEmpty()) { // until the thread has reached the wait
                    Thread.onSpinWait();
                    wait = EpollWait.of(name);
                }
                assertThat(wait).contains(new EpollWait(epfd, timeout == 0 ? -1 : (int) timeout));
                selector.wakeup();
                done.await();
                waiter.join();
                assertThat(EpollWait.of(name)).isEmpty();
            }
        }
    }
}
