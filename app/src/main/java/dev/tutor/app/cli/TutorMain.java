package dev.tutor.app.cli;

/** Placeholder main while the command line is built. */
public final class TutorMain {
    private TutorMain() {
    }

    public static void main(String[] args) {
        System.out.println("tutor");
    }
}
