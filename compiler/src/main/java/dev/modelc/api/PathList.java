package dev.modelc.api;

import dev.modelc.runtime.model.TensorSpec;
import java.util.List;

/** Missing paths, said with what they are: {@code param 'w'}, {@code states 'bn.running_mean', 'bn.running_var'}. */
final class PathList {
    private PathList() {
    }

    static String of(List<String> paths, List<TensorSpec> states) {
        List<String> stateNames = states.stream().map(TensorSpec::name).toList();
        boolean allStates = stateNames.containsAll(paths);
        boolean noStates = paths.stream().noneMatch(stateNames::contains);
        String kind = allStates ? "state" : noStates ? "param" : "param or state";
        StringBuilder out = new StringBuilder(kind).append(paths.size() == 1 ? " " : "s ");
        for (int i = 0; i < paths.size(); i++) out.append(i == 0 ? "" : ", ").append('\'').append(paths.get(i)).append('\'');
        return out.toString();
    }
}
