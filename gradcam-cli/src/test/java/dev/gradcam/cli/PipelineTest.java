package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's pipeline stages: read-ahead, background writes, and arrays spooled to disk. */
class PipelineTest {

    @Test
    void prefetchedItemsComeInOrderAndAtMostDepthAhead() {
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger maxAhead = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        try (Prefetcher<Integer> p = new Prefetcher<>("test-read", 20, 2, i -> {
            int ahead = produced.incrementAndGet() - consumed.get();
            maxAhead.accumulateAndGet(ahead, Math::max);
            return i * i;
        })) {
            for (int i = 0; i < 20; i++) {
                assertEquals(i * i, p.next());
                consumed.incrementAndGet();
            }
            assertThrows(IllegalStateException.class, p::next);
        }
        // 2 queued, 1 being produced, and 1 the consumer has taken but not yet counted; unbounded would reach 20
        assertTrue(maxAhead.get() <= 4, "produced ahead: " + maxAhead.get());
    }

    @Test
    void aFailedReadIsThrownWhereItsItemWouldHaveComeAfterTheItemsBeforeIt() {
        InvalidInputException bad = new InvalidInputException("image 3 is corrupt");
        try (Prefetcher<Integer> p = new Prefetcher<>("test-read", 6, 2, i -> {
            if (i == 3) {
                throw bad;
            }
            return i;
        })) {
            assertEquals(0, p.next());
            assertEquals(1, p.next());
            assertEquals(2, p.next());
            assertSame(bad, assertThrows(InvalidInputException.class, p::next));
        }
    }

    @Test
    void closingAPrefetcherEarlyStopsItsThread() {
        Prefetcher<Integer> p = new Prefetcher<>("test-read-early", 1_000_000, 2, i -> i);
        assertEquals(0, p.next());
        p.close();
        p.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-read-early")
                && t.isAlive()));
    }

    @Test
    void writesRunInSubmissionOrderAndAwaitWaitsForAll() {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        try (WriteQueue q = new WriteQueue("test-write", 2)) {
            for (int i = 0; i < 50; i++) {
                int n = i;
                q.submit(() -> order.add(n));
            }
            q.await();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
    }

    @Test
    void aFailedWriteStopsTheQueueAndIsThrownAsItself() {
        IllegalStateException boom = new IllegalStateException("disk full");
        AtomicInteger ranAfter = new AtomicInteger();
        try (WriteQueue q = new WriteQueue("test-write", 1)) {
            q.submit(() -> {
                throw boom;
            });
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    q.submit(ranAfter::incrementAndGet);
                }
                q.await();
            });
            assertSame(boom, thrown);
        }
        assertEquals(0, ranAfter.get(), "tasks after a failure are skipped");
    }

    @Test
    void spooledArraysOfOneShapeStackIntoTheNpyNumpyWouldWrite(@TempDir Path dir) throws IOException {
        FloatTensor a = FloatTensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        FloatTensor b = FloatTensor.of(Shape.of(2, 3), -1, -2, -3, 0.5f, Float.NaN, 7);
        Path out = dir.resolve("raw.npy");
        try (ArraySpool spool = new ArraySpool(dir, "raw")) {
            spool.add(a);
            spool.add(b);
            assertTrue(spool.uniform());
            assertEquals(Shape.of(2, 2, 3), spool.stackedShape());
            spool.writeStacked(out);
        }
        assertArrayEquals(Npy.toBytes(FloatTensor.stack(List.of(a, b))), Files.readAllBytes(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "the spool file is gone");
        }
    }

    @Test
    void spooledArraysOfDifferentShapesAreWrittenOneByOne(@TempDir Path dir) {
        FloatTensor a = FloatTensor.of(Shape.of(1, 2), 1, 2);
        FloatTensor b = FloatTensor.of(Shape.of(3, 1), 3, 4, 5);
        try (ArraySpool spool = new ArraySpool(dir, "heatmap")) {
            spool.add(a);
            spool.add(b);
            assertEquals(2, spool.count());
            assertTrue(!spool.uniform());
            spool.writeOne(1, dir.resolve("b.npy"));
            spool.writeOne(0, dir.resolve("a.npy"));
        }
        assertEquals(a.shape(), Npy.read(dir.resolve("a.npy")).shape());
        assertArrayEquals(a.toArray(), Npy.read(dir.resolve("a.npy")).toArray());
        assertArrayEquals(b.toArray(), Npy.read(dir.resolve("b.npy")).toArray());
        assertEquals(b.shape(), Npy.read(dir.resolve("b.npy")).shape());
    }
}
