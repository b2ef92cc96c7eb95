/**
 * Explanations for whole datasets on Apache Spark: {@link dev.gradcam.spark.SparkExplainer} turns a
 * {@code Dataset<Row>} of images into the same rows with their maps, running the core {@code Explainer} on every
 * executor with one model per executor JVM. Everything else here is package-private machinery: the settings shipped
 * with each task, the per-JVM model registry, the batching of a partition. Spark itself is a provided dependency.
 */
package dev.gradcam.spark;
