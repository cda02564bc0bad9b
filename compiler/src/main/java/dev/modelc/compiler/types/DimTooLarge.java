package dev.modelc.compiler.types;

/**
 * Size arithmetic whose result {@link Dim} would pass its limits: more than {@link Dim#MAX_TERMS}
 * terms, a term of degree above {@link Dim#MAX_DEGREE}, or a coefficient past a long. The
 * checker turns it into a diagnostic at the expression that computed the size; the limits keep
 * a product of 30 sizes {@code (A + B)} from expanding into 2^30 terms.
 */
public final class DimTooLarge extends RuntimeException {
    public DimTooLarge(String message) {
        super(message, null, false, false);
    }
}
