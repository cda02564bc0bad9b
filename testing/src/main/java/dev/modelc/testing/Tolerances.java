package dev.modelc.testing;

/**
 * How {@link GradCheck} differences and compares: the central-difference step and the
 * tolerances a symbolic derivative must meet.
 *
 * <p>A derivative passes when {@code |fd - exact| <= relative * max(|fd|, |exact|) + absolute *
 * (1 + scale)}, where {@code fd} is the central difference {@code (f(x + h) - f(x - h)) / 2h},
 * and {@code scale} is |loss| for first derivatives and the largest |gradient| element of the
 * variable for second derivatives (what the differenced quantity's rounding is relative to).
 *
 * <p>Why the defaults ({@link #DEFAULT}: h = 1e-5, relative 1e-5, absolute 1e-7). Everything is
 * evaluated in f64. The central difference's truncation error is h^2/6 |f'''| ~ 2e-11 |f'''|, and
 * its rounding error is about eps * F / h ~ 2e-11 F, where F is the size of the terms summed
 * into f; for values of order 1 and tensors of tens of elements both are far below the
 * tolerance, while a rule wrong in the fourth significant digit is ten times over it. PyTorch's
 * {@code gradcheck} (eps 1e-6, atol 1e-5, rtol 1e-3) is looser. Loosen these for models whose
 * values or third derivatives are large (the failure message gives the error to compare with).
 *
 * @param step the central-difference step h, added to and subtracted from one element at a time
 * @param relative the tolerance relative to the larger of the two values
 * @param absolute the tolerance relative to 1 + the scale of the differenced quantity
 */
public record Tolerances(double step, double relative, double absolute) {
    /** h = 1e-5, relative 1e-5, absolute 1e-7 (see the class comment for why). */
    public static final Tolerances DEFAULT = new Tolerances(1e-5, 1e-5, 1e-7);

    public Tolerances {
        if (!(step > 0) || !Double.isFinite(step)) throw new IllegalArgumentException("step must be positive, is " + step);
        if (!(relative >= 0) || !(absolute >= 0)) {
            throw new IllegalArgumentException("tolerances must not be negative: relative " + relative + ", absolute " + absolute);
        }
    }

    /** Whether a symbolic derivative {@code exact} agrees with the finite difference {@code fd}. */
    public boolean close(double fd, double exact, double scale) {
        return Math.abs(fd - exact) <= allowed(fd, exact, scale);
    }

    /** The largest difference allowed between {@code fd} and {@code exact}. */
    public double allowed(double fd, double exact, double scale) {
        return relative * Math.max(Math.abs(fd), Math.abs(exact)) + absolute * (1 + Math.abs(scale));
    }

    public Tolerances withStep(double h) {
        return new Tolerances(h, relative, absolute);
    }
}
