package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.LoopUnderTest.check;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the closed client channels a server still holds: a client that has gone, closed but never taken out
 * of the server's collection of clients, stays there for as long as the server runs, and every line after
 * is queued for it too.
 *
 * <p>It follows the fields of the learner's own classes (the server's nest), the elements of collections,
 * maps and arrays, and a selector's keys and a key's attachment and channel through their public methods;
 * nothing else of the JDK's is opened. Call it only while the serving thread is asleep in select(), so that
 * nothing it walks is being changed.
 */
final class HeldChannels {

    private static final int MOST_OBJECTS = 100_000;

    /** An object reached from the server, and the way it was reached, for the message. */
    private record Reached(Object object, String path) {
    }

    private HeldChannels() {
    }

    /**
     * Where {@code server} still reaches a closed {@link SocketChannel}, one path each ("members → Member.channel"),
     * in the order found.
     */
    static List<String> closedIn(Object server) {
        String nest = server.getClass().getName();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Reached> next = new ArrayDeque<>();
        List<String> closed = new ArrayList<>();
        next.add(new Reached(server, server.getClass().getSimpleName()));
        seen.put(server, true);
        while (!next.isEmpty() && seen.size() < MOST_OBJECTS) {
            Reached item = next.poll();
            Object object = item.object();
            String path = item.path();
            if (object instanceof SocketChannel channel) {
                if (!channel.isOpen()) {
                    closed.add(path);
                }
                continue;
            }
            for (Reached child : children(object, path, nest)) {
                if (child.object() != null && seen.put(child.object(), true) == null) {
                    next.add(child);
                }
            }
        }
        return closed;
    }

    /**
     * Once the server has nothing left to do, fails if it still holds the closed channel of a client that has
     * gone: a client closed but left in the collection of members stays there as long as the server runs.
     */
    static void assertGoneClientsForgotten(LoopUnderTest loop, String what) {
        loop.assertIdle("the clients that are left silent after " + what);
        List<String> held = closedIn(loop.serverInstance());
        check(held.isEmpty(), () -> what + "; with nothing left to do, the server still holds " + held.size()
                + " closed client channel" + (held.size() == 1 ? "" : "s") + ": " + String.join(", ", held)
                + ". When a client goes, take it out of the collection of members as well as closing its channel;"
                + " otherwise every client that ever left stays there, and every line after is queued for it"
                + " too.");
    }

    private static List<Reached> children(Object object, String path, String nest) {
        List<Reached> children = new ArrayList<>();
        if (object instanceof Collection<?> collection) {
            for (Object element : collection.toArray()) {
                children.add(new Reached(element, path + "[…]"));
            }
        } else if (object instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : new ArrayList<>(map.entrySet())) {
                children.add(new Reached(entry.getKey(), path + " key"));
                children.add(new Reached(entry.getValue(), path + " value"));
            }
        } else if (object.getClass().isArray() && !object.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(object); i++) {
                children.add(new Reached(Array.get(object, i), path + "[" + i + "]"));
            }
        } else if (object instanceof Selector selector && selector.isOpen()) {
            for (SelectionKey key : selector.keys().toArray(SelectionKey[]::new)) {
                children.add(new Reached(key, path + ".keys()"));
            }
        } else if (object instanceof SelectionKey key) {
            children.add(new Reached(key.attachment(), path + ".attachment()"));
            children.add(new Reached(key.channel(), path + ".channel()"));
        } else if (isOfNest(object.getClass(), nest)) {
            for (Class<?> type = object.getClass(); type != null && isOfNest(type, nest); type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        children.add(new Reached(field.get(object), path + " → " + type.getSimpleName() + "."
                                + field.getName()));
                    } catch (ReflectiveOperationException | RuntimeException unreadable) {
                        // a field the test may not read leads nowhere
                    }
                }
            }
        }
        return children;
    }

    /** Whether {@code type} is the server's class or one nested in it, anonymous and local ones included. */
    private static boolean isOfNest(Class<?> type, String nest) {
        String name = type.getName();
        return name.equals(nest) || name.startsWith(nest + "$");
    }
}
