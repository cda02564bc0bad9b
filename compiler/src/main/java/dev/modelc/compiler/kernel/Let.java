package dev.modelc.compiler.kernel;

import dev.modelc.runtime.DType;

/**
 * One scalar of a loop body, in its graph node's dtype: {@code v7 = v3 * v5}. It is rounded to
 * that dtype as the interpreter rounds the node (f32 after every op, i32 wrapped, bools 0/1),
 * which is what keeps a fused loop bit-for-bit equal to running the nodes one by one. What a
 * function let is computed in before that rounding is its expression's {@link Arithmetic}.
 *
 * @param node the graph node it computes, for comments and debugging
 */
public record Let(int id, DType dtype, Expr expr, int node) {
}
