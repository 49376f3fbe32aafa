/**
 * Programs run by the benchmarks in {@code bench/}, kept out of the server's jar:
 * {@link dev.amphi.bench.ProgramBench}, the compositing benchmark's Amphi side (a room program on
 * an offline clock over recorded speakers read from disk, with {@code BenchInput} and
 * {@code BenchCapture}), and {@link dev.amphi.bench.PresetCalibration}. Each runs on its main
 * thread, which drives the program's clock, and a pool of decode threads.
 */
package dev.amphi.bench;
