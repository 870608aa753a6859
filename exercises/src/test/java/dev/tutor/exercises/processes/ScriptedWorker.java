package dev.tutor.exercises.processes;

import dev.tutor.exercises.support.ChildClassPath;
import dev.tutor.exercises.support.ProcessEnds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The worker {@link PrimeSplitterTest} starts in place of {@link PrimeWorker}: a JVM, or where a shell is at hand
 * the script {@link #SCRIPT}, that meets the other workers of its run in a {@link Folder} and does what the test
 * told it there. Not a test itself.
 *
 * <p>Started as {@code ScriptedWorker FOLDER WORKERS FROM TO [FROM TO ...]}: records its ranges in a file
 * named after its PID, waits until {@code WORKERS} workers have arrived, and then does what the file
 * {@code orders} in the folder says for the worker whose first range starts at its first {@code FROM}:
 * {@code count} (as {@link PrimeWorker#main}), {@code fail STATUS}, {@code garbage KIND} or {@code stall}.
 * A worker whose parent has started no other after {@link #ALONE_MS} leaves an {@code alone-PID} file and
 * exits with status 3.
 */
final class ScriptedWorker {
    /** The class path of a scripted worker: the folders that hold it and the class under test, nothing else. */
    private static final String CHILD_CLASS_PATH = ChildClassPath.of(ScriptedWorker.class, PrimeWorker.class,
            ProcessEnds.class);

    static final long ALONE_MS = 2_500;
    private static final long PATIENCE_MS = 10_000;

    public static void main(String[] args) throws IOException, InterruptedException {
        Path folder = Path.of(args[0]);
        int workers = Integer.parseInt(args[1]);
        String[] ranges = Arrays.copyOfRange(args, 2, args.length);
        long pid = ProcessHandle.current().pid();
        Path mine = folder.resolve("arrived-" + pid);
        Files.writeString(folder.resolve("arriving-" + pid), String.join(" ", ranges));
        Files.move(folder.resolve("arriving-" + pid), mine);
        long arrived = System.nanoTime();
        while (Folder.of(folder).arrived().size() < workers) {
            long waited = (System.nanoTime() - arrived) / 1_000_000;
            // A right parent has started every worker long before the first one's JVM reaches main; one
            // that waits for each worker before starting the next has started only this one.
            long started = ProcessHandle.current().parent().map(p -> p.children().filter(ProcessHandle::isAlive)
                    .count()).orElse(0L);
            if ((started < workers && waited > ALONE_MS) || waited > PATIENCE_MS) {
                Files.createFile(folder.resolve("alone-" + pid));
                System.err.println("worker " + pid + ": only " + started + " of " + workers + " workers had"
                        + " been started after " + waited + " ms");
                System.exit(3);
            }
            Thread.sleep(5);
        }
        String order = Files.readAllLines(folder.resolve("orders")).stream()
                .filter(line -> line.startsWith(ranges.length == 0 ? "-" : ranges[0] + " "))
                .findFirst().map(line -> line.substring(line.indexOf(' ') + 1)).orElse("count");
        answer(order, ranges, pid);
    }

    private static void answer(String order, String[] ranges, long pid) throws InterruptedException {
        long count = 0;
        for (int i = 0; i + 1 < ranges.length; i += 2) {
            count += PrimeWorker.countPrimes(Long.parseLong(ranges[i]), Long.parseLong(ranges[i + 1]));
        }
        String[] words = order.split(" ");
        switch (words[0]) {
            case "say" -> {
                for (int i = 0; i < WARNINGS; i++) {
                    System.err.println("worker " + pid + ": " + WARNING);
                }
                System.out.println(pid + " " + words[1]);
            }
            case "fail" -> {
                System.out.println(pid + " " + count);
                System.err.println("worker " + pid + ": told to fail, with status " + words[1]);
                System.exit(Integer.parseInt(words[1]));
            }
            case "garbage" -> {
                switch (words[1]) {
                    case "word" -> System.out.println(pid + " many");
                    case "stranger" -> System.out.println(ProcessHandle.current().parent().orElseThrow().pid() + " "
                            + count);
                    case "extra" -> System.out.println(pid + " " + count + " primes");
                    case "twice" -> {
                        System.out.println(pid + " " + count);
                        System.out.println(pid + " " + count);
                    }
                    case "negative" -> System.out.println(pid + " -" + (count + 1));
                    case "plus" -> System.out.println(pid + " +" + count);
                    case "zeros" -> System.out.println(pid + " 0" + count);
                    case "spaces" -> System.out.println(pid + "  " + count);
                    case "leading" -> System.out.println(" " + pid + " " + count);
                    case "tab" -> System.out.println(pid + "\t" + count);
                    case "blank" -> {
                        System.out.println(pid + " " + count);
                        System.out.println();
                    }
                    default -> {
                        // silent
                    }
                }
            }
            case "stall" -> ProcessEnds.haltOnceTheParentIsGone(Duration.ofMinutes(1));
            default -> PrimeWorker.main(ranges);
        }
    }

    /** What a worker told to say a count writes on its standard error first, as a JVM or a library may. */
    static final String WARNING = "a warning on standard error, which is not part of the answer";
    /**
     * How many times it writes it: about 115 KB, more than a pipe holds (64 KiB on Linux), so that a worker whose
     * standard error goes to a pipe nobody reads blocks before it answers.
     */
    static final int WARNINGS = 1_500;

    /** Where a shell is, for the workers written as scripts. */
    static final Path SHELL = Path.of("/bin/sh");

    /**
     * A worker as a shell script, which starts in a millisecond where a JVM takes a tenth of a second or more.
     * Started with the folder and then the ranges, it records its ranges, waits until every worker of the
     * run has arrived (at most 10 s), and does what the orders say for its first {@code FROM}: {@code say N}
     * (its PID and the count N, which the test worked out), a kind of nonsense, or {@code stall}, which
     * sleeps a minute at most.
     */
    static final String SCRIPT = """
            dir=$1; shift
            echo "$*" > "$dir/arriving-$$" && mv "$dir/arriving-$$" "$dir/arrived-$$"
            n=$(cat "$dir/workers"); i=0
            while [ "$(ls "$dir" 2>/dev/null | grep -c '^arrived-')" -lt "$n" ]; do
              i=$((i + 1)); if [ "$i" -gt 1000 ]; then exit 3; fi; sleep 0.01
            done
            order=$(grep "^$1 " "$dir/orders" 2>/dev/null | cut -d' ' -f2-)
            set -- $order
            if [ "$1" = garbage ]; then shift; fi
            case "$1" in
              say) w=0; while [ "$w" -lt "$WARNINGS" ]; do echo "worker $$: $WARNING" >&2; w=$((w + 1)); done
                   echo "$$ $2" ;;
              silent) ;;
              word) echo "$$ many" ;;
              stranger) echo "$PPID 1" ;;
              extra) echo "$$ 1 primes" ;;
              twice) echo "$$ 1"; echo "$$ 1" ;;
              negative) echo "$$ -1" ;;
              plus) echo "$$ +1" ;;
              zeros) echo "$$ 01" ;;
              spaces) echo "$$  1" ;;
              leading) echo " $$ 1" ;;
              tab) printf '%s\t1\n' "$$" ;;
              blank) echo "$$ 1"; echo ;;
              stall) exec sleep 60 ;;
            esac
            """;

    /** The folder where the workers of one run meet, record what they were given, and read their orders. */
    record Folder(Path path) {
        static Folder of(Path path) {
            return new Folder(path);
        }

        static Folder create(Map<String, String> orders, int workers) throws IOException {
            Path path = Files.createTempDirectory("tutor-split-work");
            StringBuilder text = new StringBuilder();
            orders.forEach((from, order) -> text.append(from).append(' ').append(order).append('\n'));
            Files.writeString(path.resolve("orders"), text);
            Files.writeString(path.resolve("workers"), workers + "\n");
            return new Folder(path);
        }

        /** The command that starts a shell-script worker of this folder: {@link #SCRIPT}, given the folder. */
        List<String> shellCommand() {
            String variables = "WARNING='" + WARNING + "'\nWARNINGS=" + WARNINGS + "\n";
            return new ArrayList<>(List.of(SHELL.toString(), "-c", variables + SCRIPT, "worker",
                    path.toString()));
        }

        /** The PIDs of the workers that have arrived, and the ranges each was given, as words. */
        Map<Long, List<String>> arrived() {
            Map<Long, List<String>> arrived = new HashMap<>();
            for (String name : names("arrived-")) {
                try {
                    String words = Files.readString(path.resolve(name));
                    arrived.put(Long.parseLong(name.substring("arrived-".length())),
                            words.isEmpty() ? List.of() : List.of(words.split(" ")));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return arrived;
        }

        /** The PID of the worker whose first range starts at {@code from}, once it has arrived. */
        Optional<Long> pidGiven(String from) {
            return arrived().entrySet().stream().filter(e -> !e.getValue().isEmpty() && e.getValue().get(0).equals(from))
                    .map(Map.Entry::getKey).findFirst();
        }

        /** The PIDs of the workers that have arrived and whose orders are {@code order} ("stall", say). */
        Set<Long> ordered(String order) {
            try {
                Set<String> froms = Files.readAllLines(path.resolve("orders")).stream()
                        .filter(line -> line.endsWith(" " + order)).map(line -> line.substring(0, line.indexOf(' ')))
                        .collect(Collectors.toSet());
                return arrived().entrySet().stream().filter(e -> !e.getValue().isEmpty()
                        && froms.contains(e.getValue().get(0))).map(Map.Entry::getKey).collect(Collectors.toSet());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Set<Long> waitedAlone() {
            return names("alone-").stream().map(n -> Long.parseLong(n.substring("alone-".length())))
                    .collect(Collectors.toSet());
        }

        private List<String> names(String prefix) {
            try (Stream<Path> files = Files.list(path)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void delete() throws IOException {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        /** The command that starts a scripted worker of this folder, built on the worker's own command. */
        List<String> command(int workers) {
            List<String> command = new ArrayList<>(PrimeWorker.command(CHILD_CLASS_PATH));
            command.set(command.size() - 1, ScriptedWorker.class.getName());
            command.add(path.toString());
            command.add(Integer.toString(workers));
            return command;
        }
    }
}
