package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.gradcam.api.BackendUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses where sessions run. CUDA is tried only after a cheap probe (an NVIDIA driver and a CUDA driver library on
 * this machine), because a failed attempt costs seconds (the CUDA jar unpacks a large provider library first) and its
 * real cause appears only on stderr. The outcome per device is remembered for the life of the JVM.
 */
final class ExecutionProviders {

    private static final List<String> LIBCUDA = List.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1",
            "/usr/lib64/libcuda.so.1", "/usr/lib/libcuda.so.1", "/usr/local/cuda/compat/libcuda.so.1",
            "/usr/lib/wsl/lib/libcuda.so.1", "/usr/local/nvidia/lib64/libcuda.so.1");
    private static final Map<Integer, Choice> CUDA_PROBES = new ConcurrentHashMap<>();

    private ExecutionProviders() {
    }

    /**
     * Where sessions will run and why.
     *
     * @param cuda   true for the CUDA execution provider
     * @param name   e.g. {@code CUDA:0} or {@code CPU}
     * @param reason why, for the log and provenance
     */
    record Choice(boolean cuda, String name, String reason) {
    }

    /**
     * Decides per the options.
     *
     * @throws BackendUnavailableException if CUDA was asked for explicitly and cannot be used
     */
    static Choice choose(OnnxOptions options) {
        return switch (options.executionProvider()) {
            case "cpu" -> new Choice(false, "CPU", "executionProvider=cpu was requested");
            case "cuda" -> {
                Choice c = probeCuda(options.deviceId());
                if (!c.cuda()) {
                    throw new BackendUnavailableException("executionProvider=cuda was requested but CUDA cannot be "
                            + "used: " + c.reason() + ". Install the NVIDIA driver, CUDA 12 and cuDNN 9, or use "
                            + "executionProvider=cpu");
                }
                yield c;
            }
            default -> probeCuda(options.deviceId());
        };
    }

    private static Choice probeCuda(int device) {
        return CUDA_PROBES.computeIfAbsent(device, ExecutionProviders::probe);
    }

    private static Choice probe(int device) {
        String driver = driverEvidence();
        if (driver == null) {
            return new Choice(false, "CPU", "no NVIDIA driver found (/proc/driver/nvidia/version and libcuda.so.1 "
                    + "absent)");
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return new Choice(false, "CPU", "this ONNX Runtime build has no CUDA provider (the CPU-only jar is on "
                    + "the class path)");
        }
        OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device)) {
            so.addCUDA(cuda);
            return new Choice(true, "CUDA:" + device, "NVIDIA driver found (" + driver + ") and the CUDA provider "
                    + "loaded");
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return new Choice(false, "CPU", "an NVIDIA driver is present (" + driver + ") but the CUDA provider "
                    + "failed to load (" + e.getMessage() + "); CUDA 12 and cuDNN 9 are needed");
        }
    }

    private static String driverEvidence() {
        if (Files.isReadable(Path.of("/proc/driver/nvidia/version"))) {
            return "/proc/driver/nvidia/version";
        }
        for (String lib : LIBCUDA) {
            if (Files.exists(Path.of(lib))) {
                return lib;
            }
        }
        return null;
    }

    /** Adds the chosen provider to session options (CPU needs nothing). */
    static void apply(Choice choice, int device, OrtSession.SessionOptions so) throws OrtException {
        if (choice.cuda()) {
            try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device)) {
                so.addCUDA(cuda);
            }
        }
    }
}
