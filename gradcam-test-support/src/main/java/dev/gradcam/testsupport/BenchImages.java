package dev.gradcam.testsupport;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Generated pictures for the benchmarks: no dataset is downloaded, and a seed gives the same folder every run. */
public final class BenchImages {

    private BenchImages() {
    }

    /** A 224x224 scene: a random background and six random discs. */
    public static BufferedImage scene(Random random) {
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        g.fillRect(0, 0, 224, 224);
        for (int k = 0; k < 6; k++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(200), random.nextInt(200), 20 + random.nextInt(80), 20 + random.nextInt(80));
        }
        g.dispose();
        return image;
    }
}
