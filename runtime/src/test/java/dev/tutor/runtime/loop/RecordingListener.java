package dev.tutor.runtime.loop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LoopListener} that keeps every event, for assertions. */
final class RecordingListener implements LoopListener {

    final List<LoopEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(LoopEvent event) {
        events.add(event);
    }

    <E extends LoopEvent> List<E> of(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <E extends LoopEvent> E last(Class<E> type) {
        List<E> all = of(type);
        return all.get(all.size() - 1);
    }
}
