package dev.modelc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.model.TrainConfig;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@link Optimizer#of}: the one mapping from a train block's setting to an optimizer. */
class OptimizerOfTest {
    private static TrainConfig block(TrainConfig.Optimizer o) {
        return new TrainConfig(OptionalLong.empty(), 1, false, 0, Optional.ofNullable(o));
    }

    @Test
    void aBlockWithoutOptimizerTrainsWithSgdAtPyTorchsDefaultsAndLr1eMinus3() {
        assertEquals("Sgd(lr=0.001, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=false)",
                Optimizer.of(TrainConfig.DEFAULT).toString());
    }

    @Test
    void everySettingOfSgdReachesTheOptimizer() {
        assertEquals("Sgd(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=false)",
                Optimizer.of(block(new TrainConfig.Optimizer.Sgd(0.05, 0.9, 0.01))).toString());
    }

    @Test
    void everySettingOfAdamReachesTheOptimizer() {
        Adam a = (Adam) Optimizer.of(block(new TrainConfig.Optimizer.Adam(0.01, 0.8, 0.99, 1e-6, 0.1)));
        assertEquals("Adam(lr=0.01, betas=(0.8, 0.99), eps=1.0E-6, weight_decay=0.1)", a.toString());
        assertEquals(0.01, a.lr());
    }

    @Test
    void withLrChangesOnlyTheLearningRate() {
        assertEquals(new TrainConfig.Optimizer.Adam(0.5, 0.9, 0.999, 1e-8, 0), TrainConfig.Optimizer.Adam.DEFAULT.withLr(0.5));
        assertEquals(new TrainConfig.Optimizer.Sgd(0.5, 0.9, 0), new TrainConfig.Optimizer.Sgd(0.1, 0.9, 0).withLr(0.5));
    }
}
