package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.ModelFile;
import java.util.List;
import java.util.Optional;

/** A file that passed checking: its AST and the signature of each model, in source order. */
public record CheckedProgram(ModelFile file, List<ModelSignature> models) {
    public CheckedProgram {
        models = List.copyOf(models);
    }

    public Optional<ModelSignature> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
