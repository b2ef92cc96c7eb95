package dev.gradcam.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs one input through the tool in three overlapping stages: a {@link Prefetcher} reads and decodes the next
 * batch, the calling thread explains this one, a {@link WriteQueue} writes the last one. Each holds at most
 * {@link #DEPTH} batches, so memory does not grow with the input.
 */
final class BatchPipeline {

    /** Batches read ahead, and batches waiting to be written: two keep every stage busy with bounded memory. */
    static final int DEPTH = 2;

    /** Explains one batch on the calling thread and returns the task that writes its results. */
    @FunctionalInterface
    interface Stage {
        Runnable explain(LoadedBatch batch);
    }

    private BatchPipeline() {
    }

    /**
     * Explains every batch of {@code step} images of {@code in} and writes them; then the summary.
     *
     * @param withBackdrops whether batches carry the pictures overlays are drawn on
     * @param out           the output folder, for the failed run's summary
     * @param start         when the run started ({@link System#nanoTime()}), for the summary's wall time
     * @return the summary file
     * @throws RuntimeException the first failure of any stage, after the batches before it were written and a
     *                          failed summary lists them
     */
    static Path run(InputSource in, int step, boolean withBackdrops, RunWriter writer, Path out,
                    Map<String, Object> header, long start, ProgressBar bar, Stage stage) {
        int batches = LoadedBatch.count(in.size(), step);
        try (Prefetcher<LoadedBatch> reads = new Prefetcher<>("gradcam-read", batches, DEPTH,
                b -> LoadedBatch.read(in, b, step, withBackdrops));
             WriteQueue writes = new WriteQueue("gradcam-write", DEPTH)) {
            try {
                for (int b = 0; b < batches; b++) {
                    LoadedBatch l = reads.next();
                    writes.submit(stage.explain(l));
                    bar.advance(l.to() - l.from());
                }
                writes.await();
                return writer.finish(header, Duration.ofNanos(System.nanoTime() - start));
            } catch (RuntimeException | Error e) {
                writes.close(); // what was explained before the failure is written; then the file list is final
                ResultWriter.failed(out, header, writer.written(), e);
                throw e;
            }
        }
    }
}
