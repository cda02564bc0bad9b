package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.ModelFile;
import java.util.List;
import java.util.Optional;

/** A file that passed checking: its AST and each model (signature and graph), in source order. */
public record CheckedProgram(ModelFile file, List<CheckedModel> models) {
    public CheckedProgram {
        models = List.copyOf(models);
    }

    public Optional<CheckedModel> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The models' signatures, in source order. */
    public List<ModelSignature> signatures() {
        return models.stream().map(CheckedModel::signature).toList();
    }
}
