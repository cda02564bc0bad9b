package dev.modelc.testing;

import java.util.List;

/**
 * One derivative that disagrees with its finite difference: which variable and element, both
 * values, and how far apart they are allowed to be.
 *
 * @param order first derivatives (the gradient) or second (a Hessian-vector product)
 * @param variable what is differentiated, such as {@code param 'linear.weight'} or {@code input 'x'}
 * @param index the element's index, one number per axis (empty for a scalar)
 * @param symbolic the model's own derivative
 * @param finiteDifference the central difference
 * @param allowed the largest difference the tolerances allow here
 */
public record Mismatch(Order order, String variable, List<Integer> index, double symbolic, double finiteDifference,
                       double allowed) {
    public Mismatch {
        index = List.copyOf(index);
    }

    /** First or second derivatives. */
    public enum Order {
        /** The gradient, against differences of the objective. */
        FIRST,
        /** A Hessian-vector product, against differences of the gradient along the vector. */
        SECOND
    }

    /** |fd - symbolic| / max(|fd|, |symbolic|): 1 or more when the two have nothing in common. */
    public double relativeError() {
        double d = Math.abs(finiteDifference - symbolic);
        double m = Math.max(Math.abs(finiteDifference), Math.abs(symbolic));
        return m == 0 ? d : d / m;
    }
}
