package dev.gradcam.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one input through the tool in three overlapping stages: a {@link Prefetcher} reads and decodes the next
 * batch, {@link ExplainWorkers} explain this one (and, with several workers, the ones after it), a {@link WriteQueue}
 * writes the last ones in input order. Each holds at most {@link #DEPTH} batches (the workers one each), so memory
 * does not grow with the input.
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
     * @param workers       batches explained at once ({@link ExplainWorkers}); results are written in input order
     * @param out           the output folder, for the failed run's summary
     * @param start         when the run started ({@link System#nanoTime()}), for the summary's wall time
     * @return the summary file
     * @throws RuntimeException the first failure of any stage, after the batches before it were written and a
     *                          failed summary lists them
     */
    static Path run(InputSource in, int step, boolean withBackdrops, int workers, RunWriter writer, Path out,
                    Map<String, Object> header, long start, ProgressBar bar, Stage stage) {
        int batches = LoadedBatch.count(in.size(), step);
        try (Prefetcher<LoadedBatch> reads = new Prefetcher<>("gradcam-read", batches, DEPTH,
                b -> LoadedBatch.read(in, b, step, withBackdrops));
             WriteQueue writes = new WriteQueue("gradcam-write", DEPTH);
             ExplainWorkers<Runnable> explains = new ExplainWorkers<>("gradcam-explain",
                     Math.max(1, Math.min(workers, batches)))) {
            AtomicLong firstPass = new AtomicLong();
            try {
                for (int b = 0; b < batches; b++) {
                    LoadedBatch l;
                    try {
                        l = reads.next();
                    } catch (RuntimeException | Error e) {
                        handOver(explains, writes); // the batches before the failed read are written
                        throw e;
                    }
                    explains.submit(() -> {
                        firstPass.compareAndSet(0, System.nanoTime());
                        Runnable write = stage.explain(l);
                        bar.advance(l.to() - l.from());
                        return write;
                    });
                    if (explains.full()) {
                        writes.submit(explains.next());
                    }
                }
                handOver(explains, writes);
                writes.await();
                return writer.finish(header, RunTimes.of(start, firstPass.get()));
            } catch (RuntimeException | Error e) {
                explains.close(); // no pass still runs on the model, nothing more is handed to the writer
                writes.close(); // what was explained before the failure is written; then the file list is final
                ResultWriter.failed(out, header, writer.written(), e);
                throw e;
            }
        }
    }

    /** Hands every result in flight to the writer, in order; the first failed one is thrown. */
    private static void handOver(ExplainWorkers<Runnable> explains, WriteQueue writes) {
        while (!explains.isEmpty()) {
            writes.submit(explains.next());
        }
    }
}
