package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches explained at once: results in input order, failures where a sequential loop would have thrown them. */
class ExplainWorkersTest {

    @Test
    void twoWorkersRunTogetherAndHandResultsBackInOrder() throws InterruptedException {
        CountDownLatch both = new CountDownLatch(2);
        try (ExplainWorkers<String> w = new ExplainWorkers<>("test-explain", 2)) {
            // Each task waits for the other to start: one worker, or a sequential loop, would time out.
            w.submit(() -> meet(both, "first"));
            assertFalse(w.full());
            w.submit(() -> meet(both, "second"));
            assertTrue(w.full());
            assertThrows(IllegalStateException.class, () -> w.submit(() -> "third"));
            assertEquals("first", w.next());
            assertEquals("second", w.next());
            assertTrue(w.isEmpty());
            assertThrows(IllegalStateException.class, w::next);
        }
    }

    private static String meet(CountDownLatch both, String result) {
        both.countDown();
        try {
            if (!both.await(20, TimeUnit.SECONDS)) {
                return "ran alone";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    @Test
    void oneWorkerRunsTasksOnTheCallingThread() {
        try (ExplainWorkers<Thread> w = new ExplainWorkers<>("test-explain", 1)) {
            w.submit(Thread::currentThread);
            assertTrue(w.full());
            assertSame(Thread.currentThread(), w.next());
        }
        assertThrows(IllegalArgumentException.class, () -> new ExplainWorkers<>("test-explain", 0));
    }

    @Test
    void aFailedTaskIsThrownAsItselfAfterTheResultsBeforeIt() {
        InvalidInputException bad = new InvalidInputException("batch 1 is bad");
        try (ExplainWorkers<Integer> w = new ExplainWorkers<>("test-explain", 2)) {
            w.submit(() -> 0);
            w.submit(() -> {
                throw bad;
            });
            assertEquals(0, w.next());
            assertSame(bad, assertThrows(InvalidInputException.class, w::next));
        }
    }

    /** Seven one-pixel images in batches of two: four batches starting at 0, 2, 4 and 6. */
    private static InputSource seven(int failingRead) {
        return new InputSource() {
            @Override
            public int size() {
                return 7;
            }

            @Override
            public String name(int i) {
                return "image" + i;
            }

            @Override
            public FloatTensor load(int from, int to) {
                if (from == failingRead) {
                    throw new InvalidInputException("image " + from + " is corrupt");
                }
                return FloatTensor.zeros(Shape.of(to - from, 1, 1, 1));
            }

            @Override
            public BufferedImage backdrop(int i, FloatTensor input) {
                return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            }

            @Override
            public boolean batchable() {
                return true;
            }

            @Override
            public String describe() {
                return "seven test images";
            }
        };
    }

    /** Records the batches written, in order. */
    private static final class Recorder implements RunWriter {
        final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        boolean finished;

        @Override
        public Path finish(Map<String, Object> header, RunTimes times) {
            finished = true;
            return Path.of("summary.json");
        }

        @Override
        public List<Path> written() {
            return List.of();
        }

        @Override
        public List<String> diagnostics() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    private static ProgressBar quietBar() {
        return new ProgressBar(new PrintWriter(new StringWriter()), "explaining", "images", 7, false);
    }

    @Test
    void thePipelineWritesBatchesInInputOrderWhateverOrderTheyFinishIn(@TempDir Path dir) {
        Recorder writer = new Recorder();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        BatchPipeline.run(seven(-1), 2, false, 2, writer, dir, Map.of(), System.nanoTime(), quietBar(), l -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            // The first batch of each pair takes longest, so its successor finishes first.
            sleep(l.from() % 4 == 0 ? 60 : 5);
            running.decrementAndGet();
            return () -> writer.batches.add(l.from());
        });
        assertEquals(List.of(0, 2, 4, 6), writer.batches);
        assertTrue(writer.finished);
        assertEquals(2, mostAtOnce.get(), "batches explained at once");
    }

    @Test
    void aFailedExplanationStopsThePipelineAfterTheBatchesBeforeIt(@TempDir Path dir) {
        Recorder writer = new Recorder();
        InvalidInputException bad = new InvalidInputException("batch 4 cannot be explained");
        RuntimeException thrown = assertThrows(InvalidInputException.class, () -> BatchPipeline.run(seven(-1), 2,
                false, 2, writer, dir, Map.of(), System.nanoTime(), quietBar(), l -> {
                    if (l.from() == 4) {
                        throw bad;
                    }
                    sleep(l.from() == 2 ? 60 : 0); // batch 4 fails while batch 2 still runs
                    return () -> writer.batches.add(l.from());
                }));
        assertSame(bad, thrown);
        assertEquals(List.of(0, 2), writer.batches);
        assertFalse(writer.finished);
    }

    @Test
    void aFailedReadStillWritesEveryBatchExplainedBeforeIt(@TempDir Path dir) {
        Recorder writer = new Recorder();
        InvalidInputException thrown = assertThrows(InvalidInputException.class, () -> BatchPipeline.run(seven(6), 2,
                false, 2, writer, dir, Map.of(), System.nanoTime(), quietBar(), l -> {
                    sleep(30);
                    return () -> writer.batches.add(l.from());
                }));
        assertEquals("image 6 is corrupt", thrown.getMessage());
        assertEquals(List.of(0, 2, 4), writer.batches);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
