/**
 * Opset conversion: {@link dev.gradcam.onnx.convert.OpsetConverter} upgrades a model's default-domain opset one
 * version at a time with per-operator adapters (the ONNX version converter's approach), so that old exports can be
 * differentiated with backward forms their own opset lacks.
 */
package dev.gradcam.onnx.convert;
