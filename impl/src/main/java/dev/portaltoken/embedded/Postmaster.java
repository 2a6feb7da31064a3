package dev.portaltoken.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a cluster's {@code postmaster.pid} says, checked against the process table: PostgreSQL leaves
 * the file behind when it dies, and its PID may since belong to any other process. A PID is only
 * ever signalled (or the file trusted) once the process is known to be a {@code postgres} started on
 * this very data directory.
 *
 * @param pid  the postmaster's process id
 * @param port the port in the file (with no TCP listener, only the name of the Unix socket)
 */
record Postmaster(long pid, int port) {
    static final String PID_FILE = "postmaster.pid";

    /** What the pid file of {@code pgData} names. */
    enum State {
        /** No pid file: nothing runs. */
        NONE,
        /** A live postgres process serving {@code pgData}. */
        RUNNING,
        /** The file is left over: its process is gone, or is something else (the PID was reused). */
        STALE,
        /** A live process whose command line cannot be read: it cannot be told apart. */
        UNVERIFIABLE
    }

    /** The state of {@code pgData}'s postmaster and, when running, what its pid file says. */
    record Found(State state, Optional<Postmaster> postmaster) {
    }

    static Found find(Path pgData) {
        Path file = pgData.resolve(PID_FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Found(Files.exists(file) ? State.STALE : State.NONE, Optional.empty());
        }
        long pid;
        int port;
        try {
            pid = Long.parseLong(lines.get(0).trim());
            port = Integer.parseInt(lines.get(3).trim());
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            // being written by a starting postmaster, or truncated by a crash: not usable now
            return new Found(State.STALE, Optional.empty());
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return new Found(State.STALE, Optional.empty());
        }
        Optional<List<String>> command = commandLine(process.get());
        if (command.isEmpty()) {
            return new Found(State.UNVERIFIABLE, Optional.empty());
        }
        return switch (serves(command.get(), pgData)) {
            case YES -> new Found(State.RUNNING, Optional.of(new Postmaster(pid, port)));
            case NO -> new Found(State.STALE, Optional.empty());
            case UNKNOWN -> new Found(State.UNVERIFIABLE, Optional.empty());
        };
    }

    enum Serves { YES, NO, UNKNOWN }

    /**
     * Whether the process with argv {@code command} is a postmaster of {@code pgData}: {@code postgres
     * ... -D <pgData> ...} as {@code pg_ctl} starts it (the postmaster keeps its command line; only its
     * children retitle themselves). Another program, or a postgres given another {@code -D}, is not;
     * a postgres without {@code -D} (started with {@code PGDATA}) cannot be told.
     */
    static Serves serves(List<String> command, Path pgData) {
        if (command.isEmpty() || !Path.of(command.get(0)).getFileName().toString().equals("postgres")) {
            return Serves.NO;
        }
        Path expected = pgData.toAbsolutePath().normalize();
        for (int i = 1; i < command.size() - 1; i++) {
            if (command.get(i).equals("-D")) {
                return Path.of(command.get(i + 1)).toAbsolutePath().normalize().equals(expected) ? Serves.YES : Serves.NO;
            }
        }
        return Serves.UNKNOWN;
    }

    /** argv of a process: {@code /proc/PID/cmdline} on Linux, else what the JDK can tell. */
    private static Optional<List<String>> commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (Files.isReadable(proc)) {
            try {
                String raw = Files.readString(proc, StandardCharsets.UTF_8);
                List<String> argv = new ArrayList<>(Arrays.asList(raw.split("\0")));
                return argv.isEmpty() || argv.get(0).isEmpty() ? Optional.empty() : Optional.of(argv);
            } catch (IOException e) {
                return Optional.empty(); // exited meanwhile, or not ours to read
            }
        }
        ProcessHandle.Info info = process.info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>();
        argv.add(info.command().get());
        argv.addAll(Arrays.asList(info.arguments().get()));
        return Optional.of(argv);
    }
}
