package dev.modelc.spark;

import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.model.CompiledModel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The compiled models of one JVM (an executor's, or the driver's in local mode), keyed by
 * {@link SparkModel#contentHash()}: each model is compiled once per JVM, however many tasks and
 * steps run it. Compiled models keep no state between calls, so tasks share them.
 */
final class ExecutorModels {
    /** A model as the driver needs it too: checked (its inputs, its loss's row aggregate) and compiled. */
    record Compiled(CheckedModel checked, CompiledModel model) {
    }

    private static final ConcurrentMap<String, Compiled> COMPILED = new ConcurrentHashMap<>();
    /** How many compilations this JVM ran (tests check that it is one per model). */
    private static final AtomicInteger COMPILATIONS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The model compiled by the default (bytecode) backend, in the model's floating dtype. */
    static CompiledModel compiled(SparkModel m) {
        return both(m).model();
    }

    /** The checked and the compiled model. */
    static Compiled both(SparkModel m) {
        return COMPILED.computeIfAbsent(m.contentHash(), k -> compile(m));
    }

    static int compilations() {
        return COMPILATIONS.get();
    }

    private static Compiled compile(SparkModel m) {
        COMPILATIONS.incrementAndGet();
        Program p = Modelc.compile(m.fileName(), m.source());
        if (!p.modelNames().contains(m.modelName())) {
            throw new IllegalArgumentException(m.fileName() + " has no model '" + m.modelName() + "'; its models are " + p.modelNames());
        }
        CheckedModel checked = p.model(m.modelName(), Backend.INTERP).checked();
        return new Compiled(checked, Backend.DEFAULT.compile(checked, m.floating()));
    }
}
