package dev.gradcam.testsupport;

import java.lang.management.ManagementFactory;

/**
 * What the benchmarks report beside wall time: the process's CPU time, every thread included, which a machine shared
 * with other work distorts much less than wall time, and the load average that says how shared it was.
 */
public final class ProcessClock {

    private ProcessClock() {
    }

    /** CPU nanoseconds used by this JVM process so far (10 ms resolution on Linux). */
    public static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The system load average of the last minute. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
