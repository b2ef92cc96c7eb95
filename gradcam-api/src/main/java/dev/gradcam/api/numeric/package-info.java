/**
 * Small, dependency-free numerical routines the CAM methods need: a symmetric eigen-decomposition (for the principal
 * components of Eigen-CAM and eigen-smoothing), non-negative matrix factorisation (Deep Feature Factorization) and a
 * portable seeded random generator (Random-CAM, factorisation starts) whose streams scripts in other languages can
 * reproduce. Everything here works in double precision and is deterministic.
 */
package dev.gradcam.api.numeric;
