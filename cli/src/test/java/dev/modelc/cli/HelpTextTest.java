package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The help texts, against golden files ({@code src/test/resources/help}): a change to an option
 * or a description shows up in review as a diff of what users read. Rewrite them after an
 * intended change with {@code -Dmodelc.golden.update=true}.
 */
class HelpTextTest {
    private static final boolean UPDATE = Boolean.getBoolean("modelc.golden.update");
    private static final Path DIR = Path.of("src/test/resources/help");
    private static final List<String> COMMANDS = List.of("check", "eval", "graph", "train", "predict", "sample", "compile", "fmt", "lsp");

    private static String help(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return out.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyHelpTextIsAsReviewed() throws IOException {
        if (UPDATE) Files.createDirectories(DIR);
        return Stream.concat(Stream.of("modelc"), COMMANDS.stream()).map(command -> DynamicTest.dynamicTest(command, () -> {
            String text = command.equals("modelc") ? help("--help") : help(command, "--help");
            Path golden = DIR.resolve(command + ".txt");
            if (UPDATE) Files.writeString(golden, text);
            assertEquals(Files.readString(golden), text, command + " --help (rewrite with -Dmodelc.golden.update=true)");
        }));
    }

    @Test
    void theCommandListSaysWhatEachCommandDoesInWholeSentences() {
        // picocli lists each command with the first line of its description: it must be a sentence of its own.
        String list = help("--help");
        for (String command : COMMANDS) {
            String line = list.lines().filter(l -> l.startsWith("  " + command + " ")).findFirst().orElseThrow();
            String summary = line.substring(line.indexOf(command) + command.length()).strip();
            int next = list.lines().toList().indexOf(line) + 1;
            String continued = list.lines().toList().get(next);
            if (continued.startsWith("             ")) summary += " " + continued.strip();
            assertTrue(summary.endsWith("."), command + ": '" + summary + "' is cut mid-sentence");
        }
    }
}
