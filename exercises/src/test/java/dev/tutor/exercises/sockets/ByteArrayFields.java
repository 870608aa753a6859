package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks into a {@link ThreadPerClientServer}'s fields of type byte[] for a client's letters, for the test of
 * {@link ThreadPerClientServerTest} that each client's thread reads into an array of its own: an array in a field
 * that held one client's letters and then another's was read into by both clients' threads. Not a test itself.
 */
final class ByteArrayFields {
    private ByteArrayFields() {
    }

    /**
     * The names of the server's fields of type byte[], instance and static, whose array begins with a letter
     * of the alphabet that begins at {@code first}: where a thread that read a client's letters put them.
     */
    static List<String> holding(ThreadPerClientServer server, char first) {
        List<String> holding = new ArrayList<>();
        for (Field field : ThreadPerClientServer.class.getDeclaredFields()) {
            if (field.getType() != byte[].class || field.isSynthetic()) {
                continue;
            }
            try {
                field.setAccessible(true);
                byte[] array = (byte[]) field.get(Modifier.isStatic(field.getModifiers()) ? null : server);
                if (array != null && array.length > 0 && array[0] >= first && array[0] < first + 26) {
                    holding.add(field.getName());
                }
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                // a field the test cannot read is one it cannot judge
            }
        }
        return holding;
    }

    /**
     * Fails if one of the fields in {@code heldFirst}, which held client 1's small letters after its echo, holds
     * client 2's capitals now, after client 2's echo.
     */
    static void assertNoneHeldBoth(ThreadPerClientServer server, List<String> heldFirst) {
        List<String> heldBoth = holding(server, 'A').stream().filter(heldFirst::contains).toList();
        if (!heldBoth.isEmpty()) {
            fail("Two clients were connected; client 1 sent small letters and got its echo, then client 2"
                    + " sent capitals and got its echo. The byte[] in the server's field " + heldBoth.get(0)
                    + " held client 1's letters after the first echo and client 2's after the second: both"
                    + " clients' threads read into the array in that field. When two clients send at the same"
                    + " moment, one thread then reads into it before the other has written out what it read"
                    + " there, and a client gets the other's bytes. Each client's thread needs an array of its"
                    + " own.");
        }
    }
}
