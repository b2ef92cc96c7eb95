/**
 * The {@code gradcam spark} job: a folder of images in, Parquet (and PNG overlays) out; a main for
 * {@code spark-submit} and {@code java -cp}, and the {@code spark} subcommand of the {@code gradcam} tool.
 */
package dev.gradcam.spark.cli;
