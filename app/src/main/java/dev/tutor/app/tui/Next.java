package dev.tutor.app.tui;

import java.util.List;

/** What {@link Update#update} returns: the new state and the effects to run, in order. */
record Next(TutorState state, List<Effect> effects) {
    Next {
        effects = List.copyOf(effects);
    }

    static Next of(TutorState state, Effect... effects) {
        return new Next(state, List.of(effects));
    }
}
