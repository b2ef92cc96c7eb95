package dev.gradcam.nd4j.internal;

import dev.gradcam.api.InvalidArgumentException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Drops what the calling thread prints to {@code System.out} while a task runs; output of every other thread passes
 * through unchanged.
 *
 * <p>Why: SameDiff 1.0.0-M2.1 prints one "Added differentiated op ..." line per op to {@code System.out}, without a
 * switch, whenever it builds a gradient function. A library must not write to its users' consoles, so the calls that
 * print run inside {@link #call}. While at least one thread is silenced, {@code System.out} is a filtering stream;
 * the original stream is restored when the last silenced task ends, unless someone else replaced
 * {@code System.out} meanwhile (their stream is then left alone). Nested calls on one thread are fine. Thread-safe.
 */
public final class StdoutSilencer {

    private static final Object LOCK = new Object();
    private static final Set<Thread> SILENCED = ConcurrentHashMap.newKeySet();
    private static PrintStream original;
    private static PrintStream installed;

    private StdoutSilencer() {
    }

    /** Runs {@code task} with this thread's {@code System.out} output dropped, and returns its result. */
    public static <T> T call(Supplier<T> task) {
        InvalidArgumentException.requireNonNull(task, "task");
        Thread me = Thread.currentThread();
        if (SILENCED.contains(me)) {
            return task.get();
        }
        enter(me);
        try {
            return task.get();
        } finally {
            exit(me);
        }
    }

    /** Runs {@code task} with this thread's {@code System.out} output dropped. */
    public static void run(Runnable task) {
        InvalidArgumentException.requireNonNull(task, "task");
        call(() -> {
            task.run();
            return null;
        });
    }

    /** True while {@code System.out} is the filtering stream (for tests). */
    static boolean isInstalled() {
        synchronized (LOCK) {
            return installed != null && System.out == installed;
        }
    }

    private static void enter(Thread me) {
        synchronized (LOCK) {
            if (SILENCED.isEmpty()) {
                original = System.out;
                installed = new PrintStream(new ThreadFilter(original), true, Charset.defaultCharset());
                System.setOut(installed);
            }
            SILENCED.add(me);
        }
    }

    private static void exit(Thread me) {
        synchronized (LOCK) {
            SILENCED.remove(me);
            if (SILENCED.isEmpty()) {
                installed.flush();
                if (System.out == installed) {
                    System.setOut(original);
                }
                installed = null;
                original = null;
            }
        }
    }

    /** Forwards bytes to the original stream unless the writing thread is silenced. */
    private static final class ThreadFilter extends OutputStream {
        private final PrintStream target;

        ThreadFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            if (!SILENCED.contains(Thread.currentThread())) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!SILENCED.contains(Thread.currentThread())) {
                target.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }
}
