package com.example.shop;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Sgd;
import pricing.Markup;

/** Uses the classes generated from demand.model (package com.example.shop) and pricing.model (package pricing). */
public final class Forecast {
    private Forecast() {
    }

    public static void main(String[] args) {
        Demand demand = new Demand();
        Tensor features = Tensor.of(new float[] {1, 0, 2, 1}, 2, 2);
        Tensor sold = Tensor.of(new float[] {3, 5}, 2);
        Demand.LossAndGradients g = demand.lossAndGradients(features, sold);
        demand.step(new Sgd(0.1), features, sold);
        Demand.Outputs out = demand.forward(features);
        Tensor price = new Markup().forward(Tensor.zeros(DType.F64, 3)).price();
        System.out.println(g.loss() + " " + g.gradients().coef() + " " + out.units() + " " + price + " " + demand.parameters().keySet());
    }
}
