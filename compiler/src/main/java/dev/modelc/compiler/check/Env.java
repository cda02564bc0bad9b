package dev.modelc.compiler.check;

import dev.modelc.compiler.types.TensorType;

/**
 * Where an expression is checked: its scope, the file whose top-level names it sees, the path
 * prefix of params declared here ({@code mlp.fc1.}), the model being built (null inside defs
 * and forwards, which cannot declare params), and the param being initialised, if any.
 */
record Env(Scope scope, FileScope file, String pathPrefix, ModelState model, TensorType initTarget) {

    Env withScope(Scope s) {
        return new Env(s, file, pathPrefix, model, initTarget);
    }

    Env initialising(TensorType target) {
        return new Env(scope, file, pathPrefix, model, target);
    }
}
