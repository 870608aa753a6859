package dev.tutor.exercises.multitasking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A source of task names, for the scenarios of the schedulers' tests. The factories draw from the test's
 * seeded generator: distinct names, a few names that repeat at random, or names that repeat in turn, so that
 * tasks which share a name, and are still tasks of their own, turn up in every kind of run.
 */
@FunctionalInterface
interface TaskNames {

    String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    String next();

    /** Distinct one- or two-letter names in a random order. */
    static TaskNames distinctNames(Random random) {
        List<String> pool = new ArrayList<>();
        for (char c : LETTERS.toCharArray()) {
            pool.add(String.valueOf(c));
        }
        Collections.shuffle(pool, random);
        int[] next = {0};
        return () -> {
            int i = next[0]++;
            return i < pool.size() ? pool.get(i) : pool.get(i % pool.size()) + (i / pool.size());
        };
    }

    /** Names drawn from one to three letters, so that most scenarios have several tasks of one name. */
    static TaskNames fewNames(Random random) {
        int offset = random.nextInt(LETTERS.length() - 3);
        int count = 1 + random.nextInt(3);
        return () -> String.valueOf(LETTERS.charAt(offset + random.nextInt(count)));
    }

    /** Names that repeat in turn, so that duplicates are certain. */
    static TaskNames cycle(String... names) {
        int[] next = {0};
        return () -> names[next[0]++ % names.length];
    }

    /** {@code count} distinct one-letter names in a random order. */
    static String[] pick(Random random, int count) {
        List<String> pool = new ArrayList<>();
        for (char c : LETTERS.toCharArray()) {
            pool.add(String.valueOf(c));
        }
        Collections.shuffle(pool, random);
        return pool.subList(0, count).toArray(String[]::new);
    }
}
