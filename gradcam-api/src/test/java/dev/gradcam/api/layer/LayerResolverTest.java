package dev.gradcam.api.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resolution against names in the form torch.onnx.export (1.13, opset 17) writes them: numeric module path parts as
 * the full dotted prefix ({@code /features/features.3/...}), named parts alone ({@code /features/denseblock1/...}),
 * modules called twice with {@code _1} (as recorded in the ONNX fixtures' manifests).
 */
class LayerResolverTest {

    private static LayerInfo l(String node, String op, long... shape) {
        return new LayerInfo(node + "_output_0", node, op, Shape.of(shape));
    }

    private static final List<LayerInfo> RESNET = List.of(
            l("/conv1/Conv", "Conv", -1, 8, 16, 16),
            l("/relu/Relu", "Relu", -1, 8, 16, 16),
            l("/maxpool/MaxPool", "MaxPool", -1, 8, 8, 8),
            l("/layer1/layer1.0/conv1/Conv", "Conv", -1, 8, 8, 8),
            l("/layer1/layer1.0/relu/Relu", "Relu", -1, 8, 8, 8),
            l("/layer1/layer1.0/Add", "Add", -1, 8, 8, 8),
            l("/layer1/layer1.0/relu_1/Relu", "Relu", -1, 8, 8, 8),
            l("/layer1/layer1.1/relu_1/Relu", "Relu", -1, 8, 8, 8),
            l("/layer2/layer2.0/relu_1/Relu", "Relu", -1, 16, 4, 4),
            l("/layer2/layer2.1/relu_1/Relu", "Relu", -1, 16, 4, 4),
            l("/avgpool/GlobalAveragePool", "GlobalAveragePool", -1, 16, 1, 1),
            l("/Flatten", "Flatten", -1, 16),
            l("/fc/Gemm", "Gemm", -1, 10));

    @Test
    void modulePathsResolveToTheLastNodeOfTheirScope() {
        assertEquals("/layer1/layer1.1/relu_1/Relu", LayerResolver.resolve(RESNET, "layer1").node());
        assertEquals("/layer1/layer1.0/relu_1/Relu", LayerResolver.resolve(RESNET, "layer1.0").node());
        assertEquals("/layer2/layer2.1/relu_1/Relu", LayerResolver.resolve(RESNET, "layer2").node());
        assertEquals("/layer1/layer1.0/relu_1/Relu", LayerResolver.resolve(RESNET, "layer1.0.relu").node());
        assertEquals("/fc/Gemm", LayerResolver.resolve(RESNET, "fc").node());
    }

    @Test
    void namedChildrenOfNumberedScopes() {
        List<LayerInfo> dense = List.of(
                l("/features/conv0/Conv", "Conv", -1, 8, 16, 16),
                l("/features/denseblock1/denselayer1/Concat", "Concat", -1, 12, 16, 16),
                l("/features/denseblock1/Concat", "Concat", -1, 16, 16, 16),
                l("/features/features.3/Add_output", "Add", -1, 16, 8, 8),
                l("/features/features.3/features.3.2/Clip", "Clip", -1, 16, 8, 8));
        assertEquals("/features/denseblock1/Concat", LayerResolver.resolve(dense, "features.denseblock1").node());
        assertEquals("/features/features.3/features.3.2/Clip", LayerResolver.resolve(dense, "features.3").node());
        assertEquals("/features/features.3/features.3.2/Clip", LayerResolver.resolve(dense, "features.3.2").node());
        // torchvision ConvNeXt: numbered children of the named 'block' are scoped 'block.2'.
        List<LayerInfo> convnext = List.of(
                l("/features/features.7/features.7.2/block/block.0/Conv", "Conv", -1, 768, 7, 7),
                l("/features/features.7/features.7.2/block/block.1/Transpose", "Transpose", -1, 7, 7, 768),
                l("/features/features.7/features.7.2/block/block.2/LayerNormalization", "LayerNormalization",
                        -1, 7, 7, 768),
                l("/features/features.7/features.7.2/block/block.3/MatMul", "MatMul", -1, 7, 7, 3072));
        assertEquals("/features/features.7/features.7.2/block/block.2/LayerNormalization",
                LayerResolver.resolve(convnext, "features.7.2.block.2").node());
        assertEquals("/features/features.7/features.7.2/block/block.3/MatMul",
                LayerResolver.resolve(convnext, "features.7.2.block").node());
    }

    @Test
    void sequentialsUnderNamedAttributes() {
        // torchvision's BasicBlock.downsample is an nn.Sequential: exports scope it as
        // /layer4/layer4.0/downsample/downsample.0/ (issue 12, item 8).
        List<LayerInfo> block = List.of(
                l("/layer4/layer4.0/conv1/Conv", "Conv", -1, 32, 2, 2),
                l("/layer4/layer4.0/downsample/downsample.0/Conv", "Conv", -1, 32, 2, 2),
                l("/layer4/layer4.0/downsample/downsample.1/BatchNormalization", "BatchNormalization", -1, 32, 2, 2),
                l("/layer4/layer4.0/Add", "Add", -1, 32, 2, 2),
                l("/layer4/layer4.0/relu_1/Relu", "Relu", -1, 32, 2, 2));
        assertEquals("/layer4/layer4.0/downsample/downsample.0/Conv",
                LayerResolver.resolve(block, "layer4.0.downsample.0").node());
        assertEquals("/layer4/layer4.0/downsample/downsample.1/BatchNormalization",
                LayerResolver.resolve(block, "layer4.0.downsample").node());
        List<String> paths = LayerResolver.modulePaths(block);
        assertTrue(paths.contains("layer4.0.downsample.0"), paths.toString());
        assertFalse(paths.contains("layer4.0.downsample.downsample.0"), paths.toString());
        // Every suggestion is a name the resolver accepts.
        UnknownLayerException e = assertThrows(UnknownLayerException.class,
                () -> LayerResolver.resolve(block, "layer4.0.downsample.2"));
        for (String suggestion : e.nearest()) {
            LayerResolver.resolve(block, suggestion);
        }
    }

    @Test
    void exactTensorAndNodeNamesWin() {
        assertEquals("/relu/Relu", LayerResolver.resolve(RESNET, "/relu/Relu_output_0").node());
        assertEquals("/maxpool/MaxPool", LayerResolver.resolve(RESNET, "/maxpool/MaxPool").node());
    }

    @Test
    void autoSkipsPoolingAndTheHead() {
        assertEquals("/layer2/layer2.1/relu_1/Relu", LayerResolver.resolve(RESNET, "auto").node());
    }

    @Test
    void unknownNamesListNearestCandidates() {
        UnknownLayerException e = assertThrows(UnknownLayerException.class,
                () -> LayerResolver.resolve(RESNET, "layer5"));
        assertEquals("layer5", e.query());
        assertTrue(e.nearest().contains("layer1") && e.nearest().contains("layer2"), e.nearest().toString());
        assertTrue(e.getMessage().contains("nearest: "), e.getMessage());
    }

    @Test
    void modulePathsAreListed() {
        List<String> paths = LayerResolver.modulePaths(RESNET);
        assertTrue(paths.containsAll(List.of("conv1", "layer1", "layer1.0", "layer1.0.relu", "layer2.1", "fc")),
                paths.toString());
    }
}
