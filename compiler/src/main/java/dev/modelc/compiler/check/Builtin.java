package dev.modelc.compiler.check;

import dev.modelc.runtime.DType;

/**
 * A built-in operation: its name, how it takes arguments, and its typing rule.
 *
 * @param castTo for the casts {@code f32 f64 i32 bool}, the dtype they convert to (which is
 *               also how {@code dtype = f64} arguments are read); null otherwise
 * @param initOnly whether it may only appear in a param initializer ({@code randn()})
 * @param protectedName whether user code may not redefine it ({@code grad}, casts)
 */
record Builtin(String name, Signature signature, Rule rule, DType castTo, boolean initOnly, boolean protectedName) {

    /** Types one call, reporting through the site; returns the result or {@link Value#POISON}. */
    @FunctionalInterface
    interface Rule {
        Value apply(Site site);
    }
}
