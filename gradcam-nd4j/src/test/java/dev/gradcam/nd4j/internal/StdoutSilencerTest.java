package dev.gradcam.nd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StdoutSilencerTest {

    @Test
    void dropsOnlyTheSilencedThreadsOutputAndRestoresSystemOut() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        try {
            CountDownLatch silenced = new CountDownLatch(1);
            CountDownLatch otherDone = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try {
                    silenced.await();
                    System.out.println("other thread");
                    otherDone.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            other.start();
            String result = StdoutSilencer.call(() -> {
                System.out.println("Added differentiated op relu");
                StdoutSilencer.run(() -> System.out.print("nested")); // nesting keeps silence
                System.out.println("still silent");
                silenced.countDown();
                try {
                    otherDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "done";
            });
            other.join();
            assertEquals("done", result);
            assertSame(capture, System.out, "System.out restored");
            assertFalse(StdoutSilencer.isInstalled());
            System.out.println("after");
            String text = captured.toString(StandardCharsets.UTF_8);
            assertEquals("other thread" + System.lineSeparator() + "after" + System.lineSeparator(), text);
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void leavesAStreamSomeoneElseInstalledMeanwhile() {
        PrintStream saved = System.out;
        PrintStream theirs = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            StdoutSilencer.run(() -> System.setOut(theirs));
            assertSame(theirs, System.out);
        } finally {
            System.setOut(saved);
        }
        assertTrue(true);
    }
}
