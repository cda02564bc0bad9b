package dev.modelc.compiler.types;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The sizes of a tensor's axes, outermost first; the empty shape is a scalar. */
public record Shape(List<Dim> dims) {
    public static final Shape SCALAR = new Shape(List.of());

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> out = new ArrayList<>();
        for (long s : sizes) out.add(Dim.of(s));
        return new Shape(out);
    }

    public static Shape of(Dim... dims) {
        return new Shape(List.of(dims));
    }

    public int rank() {
        return dims.size();
    }

    public boolean isScalar() {
        return dims.isEmpty();
    }

    public Dim dim(int axis) {
        return dims.get(axis);
    }

    /** The number of elements, as a size (symbolic when any axis is). */
    public Dim numel() {
        Dim n = Dim.of(1);
        for (Dim d : dims) n = n.times(d);
        return n;
    }

    /** Whether every axis has a fixed size. */
    public boolean isConcrete() {
        return dims.stream().allMatch(Dim::isConstant);
    }

    public Shape with(int axis, Dim dim) {
        List<Dim> out = new ArrayList<>(dims);
        out.set(axis, dim);
        return new Shape(out);
    }

    public Shape without(int axis) {
        List<Dim> out = new ArrayList<>(dims);
        out.remove(axis);
        return new Shape(out);
    }

    public Shape inserting(int axis, Dim dim) {
        List<Dim> out = new ArrayList<>(dims);
        out.add(axis, dim);
        return new Shape(out);
    }

    /** {@code [N, 3]}; a scalar is {@code []}. */
    @Override
    public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
