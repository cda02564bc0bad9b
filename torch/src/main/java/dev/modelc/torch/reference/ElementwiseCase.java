package dev.modelc.torch.reference;

import java.util.Map;

/**
 * One elementwise function at its points: the modelc call that computes it ({@code x} is the
 * operand), the TorchScript expression that computes it in PyTorch, the keyword arguments both
 * pass (named as modelc names them), and how many derivatives PyTorch's autograd is asked for.
 */
record ElementwiseCase(String name, String call, String torch, Map<String, Double> args, double[] points, int derivatives) {
}
