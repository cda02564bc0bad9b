package dev.modelc.compiler.ast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/** Every expression under some roots, the roots included: walked with a stack, never recursion, so any depth is fine. */
public final class Subexpressions {
    private Subexpressions() {
    }

    /** The roots and everything under them, each node once per occurrence, parents before their children. */
    public static List<Expr> of(Collection<? extends Expr> roots) {
        List<Expr> out = new ArrayList<>();
        Deque<Expr> work = new ArrayDeque<>(roots);
        while (!work.isEmpty()) {
            Expr e = work.pop();
            out.add(e);
            switch (e) {
                case Expr.Call c -> {
                    work.push(c.callee());
                    for (Expr.Arg a : c.args()) work.push(a.value());
                }
                case Expr.Binary b -> {
                    work.push(b.left());
                    work.push(b.right());
                }
                case Expr.Unary u -> work.push(u.operand());
                case Expr.Member m -> work.push(m.target());
                case Expr.Index i -> {
                    work.push(i.target());
                    for (Expr.Subscript s : i.subscripts()) {
                        switch (s) {
                            case Expr.Subscript.At at -> work.push(at.index());
                            case Expr.Subscript.Slice sl -> {
                                sl.start().ifPresent(work::push);
                                sl.stop().ifPresent(work::push);
                                sl.step().ifPresent(work::push);
                            }
                        }
                    }
                }
                case Expr.ListLiteral l -> l.elements().forEach(work::push);
                case Expr.Number n -> {
                }
                case Expr.Bool b -> {
                }
                case Expr.Str s -> {
                }
                case Expr.Name n -> {
                }
            }
        }
        return out;
    }
}
