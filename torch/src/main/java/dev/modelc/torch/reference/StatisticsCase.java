package dev.modelc.torch.reference;

/**
 * One statistic of one tensor: the modelc call ({@code x} is the operand), the TorchScript
 * expression PyTorch runs for it, and the operand, its shape and its values (row-major).
 */
record StatisticsCase(String name, String call, String torch, int[] shape, double[] x) {
}
