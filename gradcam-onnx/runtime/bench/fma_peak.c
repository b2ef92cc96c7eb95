/*
 * The machine's float32 multiply-add peak, the ceiling any convolution kernel runs under: the speed limits in
 * docs/performance.md ("How close to the machine's peak") divide by it.
 *
 * Each thread runs twelve independent chains of 8-wide fused multiply-adds (AVX2/FMA), enough to keep both FMA pipes
 * of a core busy through the instruction's latency; it counts 2 FLOPs per lane per instruction.
 *
 *     gcc -O2 -mavx2 -mfma -pthread gradcam-onnx/runtime/bench/fma_peak.c -o /tmp/fma_peak
 *     /tmp/fma_peak 1; /tmp/fma_peak 2        # threads
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define ROUNDS 50000000L

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *chains(void *result) {
    __m256 acc[CHAINS];
    const __m256 scale = _mm256_set1_ps(0.999999f);
    const __m256 add = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) {
        acc[i] = _mm256_set1_ps((float) i);
    }
    double start = seconds();
    for (long r = 0; r < ROUNDS; r++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) {
            acc[i] = _mm256_fmadd_ps(acc[i], scale, add);
        }
    }
    double elapsed = seconds() - start;
    /* The sum keeps the compiler from dropping the chains. */
    float sum = 0;
    for (int i = 0; i < CHAINS; i++) {
        float lanes[8];
        _mm256_storeu_ps(lanes, acc[i]);
        sum += lanes[0];
    }
    double *out = result;
    out[0] = ROUNDS * (double) CHAINS * 8 * 2 / elapsed / 1e9;
    out[1] = sum;
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "usage: fma_peak [threads 1..64]\n");
        return 2;
    }
    pthread_t ids[64];
    double results[64][2];
    for (int t = 0; t < threads; t++) {
        pthread_create(&ids[t], NULL, chains, results[t]);
    }
    double total = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        total += results[t][0];
    }
    printf("%d thread(s): %.1f GFLOP/s float32 FMA peak (%.1f per thread; checksum %g)\n", threads, total,
           total / threads, results[0][1]);
    return 0;
}
