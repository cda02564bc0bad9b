package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The options of {@code train} that stand for train block settings admit exactly what the block
 * admits: the same value is refused in both places, with the same requirement in the message.
 */
class TrainOptionRulesTest {
    @TempDir
    Path dir;

    private Path data() throws IOException {
        return Files.writeString(dir.resolve("d.csv"), "a,y\n1,2\n3,4\n");
    }

    private Path model(String trainBlock) throws IOException {
        return Files.writeString(dir.resolve("m.model"), """
                model M {
                  input x: f32[N, 1]
                  input y: f32[N, 1]
                  param w: f32[1, 1] = zeros()
                  loss = mean((x @ w - y) ** 2)
                  %s
                }
                """.formatted(trainBlock));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --lr     | 0        | lr     | optimizer = sgd(lr = 0)           | > 0                    | 0        | lr of sgd must be > 0, found 0
            --lr     | -0.5     | lr     | optimizer = sgd(lr = -0.5)        | > 0                    | -0.5     | lr of sgd must be > 0, found -0.5
            --lr     | Infinity | lr     | optimizer = adam(lr = 1.0 / 0.0)  | > 0                    | Infinity | lr of adam must be > 0, found 1.0 / 0.0
            --lr     | NaN      | lr     | optimizer = adam(lr = 0.0 / 0.0)  | > 0                    | NaN      | argument 'lr' of 'adam' must be a constant number, found 0.0 / 0.0
            --seed   | -1       | seed   | seed = -1                         | a non-negative integer | -1       | seed must be a non-negative integer constant, found -1
            --epochs | 0        | epochs | epochs = 0                        | a positive integer     | 0        | epochs must be a positive integer constant, found 0
            --batch  | 0        | batch  | batch = 0                         | a positive integer     | 0        | batch must be a positive integer constant, found 0
            """)
    void aValueTheTrainBlockRefusesTheCommandLineRefuses(String option, String value, String setting, String block,
                                                         String requirement, String shown, String blockSays) throws IOException {
        Path data = data();
        var cli = TrainCommandTest.modelc("train", model("").toString(), "--data", "x=" + data + ":a", "--data", "y=" + data + ":y",
                option, value);
        assertEquals(Main.USER_ERROR, cli.code(), cli.err());
        assertTrue(cli.err().startsWith(option + " must be " + requirement + ", as " + setting + " in a train block must; found "
                + shown + "\n"), cli.err());
        assertTrue(cli.out().isEmpty(), cli.out());

        var check = TrainCommandTest.modelc("check", model("train { " + block + " }").toString());
        assertEquals(Main.USER_ERROR, check.code(), check.err());
        assertTrue(check.err().contains("error: " + blockSays + "\n"), check.err());
    }

    @Test
    void theSmallestAdmittedValuesPassBoth() throws IOException {
        Path data = data();
        var cli = TrainCommandTest.modelc("train", model("").toString(), "--data", "x=" + data + ":a", "--data", "y=" + data + ":y",
                "--lr", "1e-12", "--seed", "0", "--epochs", "1", "--batch", "1");
        assertEquals(Main.OK, cli.code(), cli.err());
        var check = TrainCommandTest.modelc("check", model("train { seed = 0; epochs = 1; batch = 1; optimizer = sgd(lr = 1e-12) }")
                .toString());
        assertEquals(Main.OK, check.code(), check.err());
    }

    @Test
    void evalsSeedFollowsTheSameRule() throws IOException {
        Path values = Files.writeString(dir.resolve("v.json"), "{\"x\": [[1]], \"y\": [[2]]}");
        var r = TrainCommandTest.modelc("eval", model("").toString(), "--inputs", values.toString(), "--seed", "-1");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("--seed must be a non-negative integer, as seed in a train block must; found -1\n"), r.err());
    }
}
