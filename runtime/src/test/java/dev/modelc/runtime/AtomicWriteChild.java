package dev.modelc.runtime;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link AtomicWriteTest}: overwrites one {@code .npy} file again and
 * again, alternating two large arrays, until it is killed. Prints "wrote" after each write.
 */
public final class AtomicWriteChild {
    static final int SMALL = 300_000;
    static final int LARGE = 700_000;

    private AtomicWriteChild() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        Tensor ones = Tensor.ones(DType.F32, SMALL);
        Tensor twos = Tensor.full(DType.F32, new int[] {LARGE}, 2);
        for (int i = 0; ; i++) {
            Npy.write(target, i % 2 == 0 ? twos : ones);
            System.out.println("wrote");
            System.out.flush();
        }
    }
}
