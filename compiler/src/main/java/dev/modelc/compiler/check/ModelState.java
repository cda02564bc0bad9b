package dev.modelc.compiler.check;

import dev.modelc.runtime.model.TrainConfig;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What checking a model has collected so far: the parts of its signature. */
final class ModelState {
    final Decl.Model decl;
    final List<ModelSignature.Entry> inputs = new ArrayList<>();
    final List<ModelSignature.ParamEntry> params = new ArrayList<>();
    final List<ModelSignature.Entry> outputs = new ArrayList<>();
    /** The outputs by name, to find a repeated one without scanning them all. */
    final Map<String, ModelSignature.Entry> outputsByName = new HashMap<>();
    /** The model body's scope: where its inputs are. */
    Scope scope;
    /**
     * For each symbolic dimension of the inputs, how an expression gets its size
     * ({@code size(x, 0)} for {@code N} in {@code input x: f32[N, 3]}); the first input and axis win.
     */
    final Map<String, String> symbolicDims = new HashMap<>();
    ModelSignature.Entry loss;
    Span lossSpan;
    /** The loss's graph node, once known. */
    int lossNode = -1;
    /** Each param's graph node, by path, in declaration order. */
    final Map<String, Integer> paramNodes = new LinkedHashMap<>();
    /** The params' update rules, by path. */
    final Map<String, Span> updates = new LinkedHashMap<>();
    /** The states, in declaration order. */
    final List<ModelSignature.ParamEntry> states = new ArrayList<>();
    /** The states' update rules, by path. */
    final Map<String, Span> stateUpdates = new LinkedHashMap<>();
    /** Per layer instance whose forward wrote state update rules, where it was called. */
    final Map<String, Span> statefulCalls = new HashMap<>();
    TrainConfig train;
    Span trainSpan;
    Span optimizerSpan;
    /** The first train setting that acts on an optimizer's steps (schedule, clip_grad_norm), or null. */
    Span stepSettingSpan;

    ModelState(Decl.Model decl) {
        this.decl = decl;
    }

    ModelSignature signature() {
        return new ModelSignature(decl.name().text(), inputs, params, outputs, Optional.ofNullable(loss),
                List.copyOf(updates.keySet()), Optional.ofNullable(train), states);
    }
}
