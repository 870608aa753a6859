package dev.tutor.lessons.eventloop;

/** Lesson 10's demo (draft). */
public final class LoopTraceDemo {
    private LoopTraceDemo() {
    }

    public static void main(String[] args) {
        System.out.println("draft");
    }
}
