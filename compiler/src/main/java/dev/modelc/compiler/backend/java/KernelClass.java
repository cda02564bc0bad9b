package dev.modelc.compiler.backend.java;

import com.palantir.javapoet.TypeSpec;
import dev.modelc.compiler.backend.EntryPoint;
import java.util.List;
import java.util.Map;

/**
 * A model's generated kernel class (a {@code GeneratedModel} with one method per entry point) and, per entry point it has, the order of its arguments and results: what a wrapper
 * needs to call those methods directly; likewise per output with an entry of its own, by output name.
 */
record KernelClass(TypeSpec type, Map<EntryPoint, Entry> entries, Map<String, OutputEntry> outputs) {
    KernelClass {
        entries = Map.copyOf(entries);
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
    }

    /**
     * The method computing one output alone ({@code output2}) and what it takes and gives: present
     * for each output that needs fewer inputs than {@code forward} takes.
     */
    record OutputEntry(String method, Entry entry) {
    }

    /**
     * An entry point's {@code Tensor[] args}: input names and param paths; and its results:
     * {@code loss}, output names, or param paths (a gradient, an updated value, an initial value).
     */
    record Entry(List<String> arguments, List<String> results) {
        Entry {
            arguments = List.copyOf(arguments);
            results = List.copyOf(results);
        }
    }
}
