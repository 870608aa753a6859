package dev.tutor.lessons.eventloop;

import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The learner's {@code MiniLoop}, called by reflection: the lessons module is built long before the learner
 * writes their class, so it can only find the class by name in the demo's JVM and call the methods the
 * exercise asks for ({@code MiniLoop(Poller, Clock, Consumer<Exception>)}, {@code callSoon}, {@code callLater}
 * and its timer's {@code cancel}, {@code watch}, {@code unwatch}, {@code runOnce}).
 *
 * <p>What a call throws comes out as it was thrown (a checked exception wrapped), never as a reflection
 * exception. A class that lacks a method fails at {@link #create} with one line naming what is missing.
 * Not thread-safe, as the loop it calls.
 */
final class LearnerLoopCalls {
    private final String className;
    private final Object loop;
    private final Method callSoon;
    private final Method callLater;
    private final Method watch;
    private final Method unwatch;
    private final Method runOnce;

    private LearnerLoopCalls(String className, Object loop, Class<?> type) {
        this.className = className;
        this.loop = loop;
        this.callSoon = method(type, "callSoon", Runnable.class);
        this.callLater = method(type, "callLater", Duration.class, Runnable.class);
        this.watch = method(type, "watch", SelectableChannel.class, int.class, Runnable.class);
        this.unwatch = method(type, "unwatch", SelectableChannel.class);
        this.runOnce = method(type, "runOnce");
    }

    /**
     * Makes a {@code className} loop on {@code poller} and {@code clock}, handing callback failures to
     * {@code onError}.
     *
     * @throws IllegalArgumentException when the class is missing or lacks a constructor or method the exercise asks for
     */
    static LearnerLoopCalls create(String className, Poller poller, Clock clock, Consumer<Exception> onError) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("No class " + className + " on the class path.");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(Poller.class, Clock.class, Consumer.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no public constructor (Poller, Clock,"
                    + " Consumer<Exception>), which the exercise asks for.");
        }
        Object loop = unwrap(() -> constructor.newInstance(poller, clock, onError));
        return new LearnerLoopCalls(className, loop, type);
    }

    /** The learner's class, fully qualified. */
    String className() {
        return className;
    }

    void callSoon(Runnable callback) {
        call(callSoon, callback);
    }

    /** Starts a timer; the returned action cancels it through the learner's own {@code Timer.cancel()}. */
    Runnable callLater(Duration delay, Runnable callback) {
        Object timer = call(callLater, delay, callback);
        if (timer == null) {
            throw new IllegalStateException(className + ".callLater returned null instead of its timer.");
        }
        Method cancel = method(timer.getClass(), "cancel");
        return () -> call(timer, cancel);
    }

    void watch(SelectableChannel channel, int ops, Runnable callback) {
        call(watch, channel, ops, callback);
    }

    void unwatch(SelectableChannel channel) {
        call(unwatch, channel);
    }

    void runOnce() {
        call(runOnce);
    }

    private Object call(Method method, Object... args) {
        return call(loop, method, args);
    }

    private static Object call(Object target, Method method, Object... args) {
        return unwrap(() -> method.invoke(target, args));
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            Method method = type.getMethod(name, parameters);
            method.setAccessible(true); // the timer's class may be a non-public nested class of a public one
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no public method " + name + "("
                    + String.join(", ", java.util.Arrays.stream(parameters).map(Class::getSimpleName).toList())
                    + "), which the exercise asks for.");
        }
    }

    private interface Reflective {
        Object call() throws ReflectiveOperationException;
    }

    /** Runs a reflective call and lets what the learner's code threw out as it was. */
    private static Object unwrap(Reflective call) {
        try {
            return call.call();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not call the learner's loop: " + e, e);
        }
    }
}
