package dev.gradcam.api.method;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.numeric.Softmax;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Score-CAM (Wang et al. 2020): each feature map, upsampled to the input size and min-max normalised to [0, 1], masks
 * the input; the channel's weight is the target's score on the masked image,
 * {@code w_k = score(X .* s(Up(A_k)))}, and the map is {@code sum_k w_k A_k}. Gradient-free.
 *
 * <p><b>Cost:</b> one forward pass with the tap, then N*K masked forward passes, run in batches of at most
 * {@link #maxBatch()} masked images (one batch of masked inputs, [maxBatch, C, H, W] floats, plus the model's own
 * buffers; at most 64 upsampled maps are held at once, never all K). {@link #withMemoryBudget(long)} sizes the
 * batches to memory instead: as many masked images as fit in the budget with the model's intermediate tensors for
 * each ({@link DifferentiableModel#forwardBytesPerImage}), never more than {@link #maxBatch()}. On a CPU the batch
 * size barely changes the speed (measured); a GPU needs large batches to be kept busy. Masks are upsampled and
 * applied on all cores (the common fork-join pool), with the same values on any number of them. Progress goes to
 * the context's {@link ProgressListener} after every batch.
 *
 * <p><b>Defaults follow the paper and its official code:</b> masks upsampled with half-pixel centres (PyTorch
 * {@code align_corners=False}); a constant channel (max == min after upsampling) has no information and gets weight 0
 * without a pass (the official code skips it), so no division by zero and no NaN; weights are the target scores
 * themselves. The paper scores with the softmax probability of the class: pass {@code Targets.classProbability(c)} for
 * exactly that; with a logit target the weights are logits. <b>pytorch-grad-cam deviates</b> in two ways, both
 * available: {@link #withAlignCorners(boolean) align_corners=True} upsampling ({@code nn.UpsamplingBilinear2d}) and a
 * {@link #withChannelSoftmax(boolean) softmax over the channel scores} of each image; it also normalises with
 * {@code (x - min) / (max - min + 1e-8)} and runs constant channels as all-zero masks. {@link #pytorchGradCam()} turns
 * all of that on; it runs the all-zero masked image once per image and gives its score to every constant channel
 * (the same value pytorch-grad-cam computes once per channel), which saves a pass per constant channel on trained
 * networks, whose last-layer channels are often all zero after the ReLU. The selector acts after the weights are known, so it saves no passes. Immutable.
 */
public final class ScoreCam extends ChannelWeightingMethod {

    /** pytorch-grad-cam's default batch of masked images. */
    public static final int DEFAULT_MAX_BATCH = 16;

    /** The most elements a Java array holds on common JVMs. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** At most this many channels' upsampled maps are held at once. */
    private static final int CHANNEL_RUN = 64;

    private final int maxBatch;
    private final long memoryBudget;
    private final boolean alignCorners;
    private final boolean channelSoftmax;

    ScoreCam(int maxBatch, boolean alignCorners, boolean channelSoftmax) {
        this(maxBatch, 0, alignCorners, channelSoftmax);
    }

    private ScoreCam(int maxBatch, long memoryBudget, boolean alignCorners, boolean channelSoftmax) {
        super("score-cam");
        if (maxBatch < 1) {
            throw new InvalidArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.memoryBudget = memoryBudget;
        this.alignCorners = alignCorners;
        this.channelSoftmax = channelSoftmax;
    }

    /** At most this many masked images per forward pass. */
    public int maxBatch() {
        return maxBatch;
    }

    /** The same method with another bound on the masked images per forward batch (>= 1). */
    public ScoreCam withMaxBatch(int maxBatch) {
        return new ScoreCam(maxBatch, memoryBudget, alignCorners, channelSoftmax);
    }

    /** The memory budget of one batch in bytes, 0 when batches are bounded by {@link #maxBatch()} alone. */
    public long memoryBudget() {
        return memoryBudget;
    }

    /**
     * The same method with batches sized to {@code bytes}: each holds as many masked images as fit, counting each
     * image's input, its upsampled mask and the model's intermediate tensors for it ({@link
     * DifferentiableModel#forwardBytesPerImage}, the input alone where the backend cannot tell), at
     * least one and at most {@link #maxBatch()}. Raise {@code maxBatch} with it to let the budget decide, e.g.
     * {@code scoreCam().withMaxBatch(1024).withMemoryBudget(8L << 30)} on a GPU. 0 turns the budget off.
     */
    public ScoreCam withMemoryBudget(long bytes) {
        if (bytes < 0) {
            throw new InvalidArgumentException("memory budget must be >= 0 bytes (0: none), got " + bytes);
        }
        return new ScoreCam(maxBatch, bytes, alignCorners, channelSoftmax);
    }

    /**
     * Masked images per forward pass for inputs of this shape (batch axis first) on this model: {@link #maxBatch()},
     * or fewer where the {@link #withMemoryBudget memory budget} holds fewer.
     */
    public int batchSize(DifferentiableModel model, Shape inputShape) {
        InvalidArgumentException.requireNonNull(model, "model");
        InvalidArgumentException.requireNonNull(inputShape, "inputShape");
        if (memoryBudget == 0) {
            return maxBatch;
        }
        // Each masked image: its input, its upsampled map (the last two axes) and the model's values for it.
        long mask = inputShape.rank() >= 2 ? inputShape.dim(-2) * inputShape.dim(-1) : 0;
        long perImage = 4L * (inputShape.dropFirst(1).size() + mask)
                + Math.max(0, model.forwardBytesPerImage(inputShape));
        return (int) Math.max(1, Math.min(maxBatch, memoryBudget / Math.max(1, perImage)));
    }

    /** Corner-aligned mask upsampling (pytorch-grad-cam) instead of half-pixel centres (paper code). */
    public ScoreCam withAlignCorners(boolean alignCorners) {
        return new ScoreCam(maxBatch, memoryBudget, alignCorners, channelSoftmax);
    }

    /**
     * Weights are the softmax over each image's channel scores (pytorch-grad-cam) instead of the scores. A softmax
     * needs a score for every channel, so constant channels then run too, as all-zero masks, with pytorch-grad-cam's
     * {@code (x - min) / (max - min + 1e-8)} normalisation.
     */
    public ScoreCam withChannelSoftmax(boolean channelSoftmax) {
        return new ScoreCam(maxBatch, memoryBudget, alignCorners, channelSoftmax);
    }

    /** pytorch-grad-cam's variant: corner-aligned masks, 1e-8 in the normalisation, channel softmax. */
    public ScoreCam pytorchGradCam() {
        return new ScoreCam(maxBatch, memoryBudget, true, true);
    }

    /** {@link #pytorchGradCam()} under {@link Compatibility#PYTORCH_GRAD_CAM}. */
    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return compatibility == Compatibility.PYTORCH_GRAD_CAM ? pytorchGradCam() : this;
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of();
    }

    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    protected List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                        FloatTensor gradients) {
        context.activations2d(layer, name()); // masks are upsampled images: 2-D maps only
        Shape in = context.images().shape();
        int n = activations.shape().intDim(0);
        int k = activations.shape().intDim(1);
        int c = in.intDim(1);
        int height = in.intDim(2);
        int width = in.intDim(3);
        int plane = height * width;
        double[][] scores = new double[n][k];
        long total = (long) n * k;
        // Never more slots than passes (a large bound on a small batch of images allocates only what runs), nor more
        // than one Java array holds.
        int capacity = (int) Math.min(Math.min(batchSize(context.model(), in), total),
                Math.max(1, MAX_ARRAY / ((long) c * plane)));
        Batch batch = new Batch(context, capacity, c * plane, in.dropFirst(1), scores);
        long done = 0;
        String task = name() + " masked passes at " + layer.name();
        // Under the channel softmax every constant channel masks the image to all zeros: one pass scores them all.
        int[] zeroMaskChannel = new int[n];
        Arrays.fill(zeroMaskChannel, -1);
        List<int[]> zeroMaskCopies = new ArrayList<>();
        ScoreCamMasks masks = new ScoreCamMasks(alignCorners, c, height, width);
        // Channels are upsampled a run at a time (at most one batch, and CHANNEL_RUN, of maps held), in parallel.
        int run = Math.min(capacity, CHANNEL_RUN);
        ScoreCamMasks.Pending pending = new ScoreCamMasks.Pending(run);
        for (int i = 0; i < n; i++) {
            float[] image = context.images().slice(i).toArray();
            FloatTensor maps = activations.slice(i);
            for (int first = 0; first < k; first += run) {
                int end = Math.min(k, first + run);
                ScoreCamMasks.Upsampled up = masks.upsample(maps, first, end);
                for (int ch = first; ch < end; ch++) {
                    float min = up.min[ch - first];
                    float max = up.max[ch - first];
                    if (max == min) {
                        if (!channelSoftmax) {
                            scores[i][ch] = 0; // a constant map carries no information: weight 0, no pass (paper code)
                            done++;
                            continue;
                        }
                        if (zeroMaskChannel[i] >= 0) {
                            zeroMaskCopies.add(new int[] {i, ch});
                            done++;
                            continue;
                        }
                        zeroMaskChannel[i] = ch;
                    }
                    // pytorch-grad-cam divides by (max - min + 1e-8); the paper code skips constants, so needs no
                    // guard.
                    double range = channelSoftmax ? (double) max - min + 1e-8 : (double) max - min;
                    pending.add(ch - first, batch.next(i, ch), range);
                    if (batch.full()) {
                        masks.fill(image, up, pending, batch.data());
                        done += batch.flush();
                        context.progress().progress(task, done, total);
                    }
                }
                if (pending.size > 0) {
                    masks.fill(image, up, pending, batch.data()); // the run's last images, into the open batch
                }
            }
        }
        done += batch.flush();
        context.progress().progress(task, done, total);
        for (int[] copy : zeroMaskCopies) {
            scores[copy[0]][copy[1]] = scores[copy[0]][zeroMaskChannel[copy[0]]];
        }
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(FloatTensor.wrapOwned(Shape.of(k), toFloat(channelSoftmax ? Softmax.of(scores[i]) : scores[i])));
        }
        return out;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public String settings() {
        return "maxBatch=" + maxBatch + (memoryBudget > 0 ? ", memoryBudget=" + memoryBudget : "")
                + ", alignCorners=" + alignCorners + ", channelSoftmax=" + channelSoftmax;
    }

    /** Masked images waiting for a forward pass; runs the model when asked and files each score under (image, k). */
    private static final class Batch {
        private final CamContext context;
        private final int capacity;
        private final int imageSize;
        private final Shape imageShape;
        private final double[][] scores;
        private final int[] images;
        private final int[] channels;
        private float[] data;
        private int size;

        Batch(CamContext context, int capacity, int imageSize, Shape imageShape, double[][] scores) {
            this.context = context;
            this.capacity = capacity;
            this.imageSize = imageSize;
            this.imageShape = imageShape;
            this.scores = scores;
            this.images = new int[capacity];
            this.channels = new int[capacity];
        }

        /** Reserves the slot for image i masked by channel k; returns its offset in {@link #data()}. */
        int next(int image, int channel) {
            if (data == null) {
                // Fresh per batch: the tensor handed to the backend owns it, so it is never written again.
                data = new float[Math.multiplyExact(capacity, imageSize)];
            }
            images[size] = image;
            channels[size] = channel;
            return size++ * imageSize;
        }

        float[] data() {
            return data;
        }

        boolean full() {
            return size == capacity;
        }

        /** Runs the pending masked images; returns how many. */
        int flush() {
            if (size == 0) {
                return 0;
            }
            float[] d = size == capacity ? data : Arrays.copyOf(data, size * imageSize);
            FloatTensor input = FloatTensor.wrapOwned(imageShape.prepend(size), d);
            FloatTensor out = context.model().run(PassRequest.builder(input).output(context.output()).build()).output();
            for (int j = 0; j < size; j++) {
                scores[images[j]][channels[j]] = context.targets().get(images[j]).score(out.slice(j));
            }
            int ran = size;
            size = 0;
            data = null;
            return ran;
        }
    }
}
