package dev.modelc.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What hover says about a built-in, read from the tables of docs/language.md's "Built-in
 * operations" (the build copies the page into this module's resources), so the language page
 * stays the one place a built-in is described: each row's arguments and result, and its
 * PyTorch equivalent where the row names one.
 */
public final class BuiltinDocs {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern NAME = Pattern.compile("^([a-z_][a-z0-9_]*)");

    private final Map<String, String> byName;

    private BuiltinDocs(Map<String, String> byName) {
        this.byName = byName;
    }

    private static final class Holder {
        static final BuiltinDocs DOCS = load();
    }

    public static BuiltinDocs get() {
        return Holder.DOCS;
    }

    /** Markdown for {@code name}: its table row, or null when the page does not describe it. */
    public String describe(String name) {
        return byName.get(name);
    }

    private static BuiltinDocs load() {
        try (InputStream in = BuiltinDocs.class.getResourceAsStream("language.md")) {
            if (in == null) return new BuiltinDocs(Map.of());
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new BuiltinDocs(Map.of());
        }
    }

    static BuiltinDocs parse(String page) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean inSection = false;
        List<String> header = List.of();
        for (String line : page.split("\n")) {
            if (line.startsWith("## ")) inSection = line.startsWith("## Built-in operations");
            if (!inSection || !line.startsWith("|")) {
                header = line.startsWith("|") ? header : List.of();
                continue;
            }
            List<String> cells = cells(line);
            if (header.isEmpty()) {
                header = cells;
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches("-+"))) continue;
            StringBuilder md = new StringBuilder();
            md.append(cells.getFirst()).append("\n\n");
            String torch = null;
            for (int i = 1; i < cells.size() && i < header.size(); i++) {
                String h = header.get(i);
                if (h.equalsIgnoreCase("PyTorch")) {
                    torch = cells.get(i);
                    continue;
                }
                if (!cells.get(i).isBlank()) md.append("- ").append(h).append(": ").append(cells.get(i)).append('\n');
            }
            if (torch == null) {
                Matcher m = Pattern.compile("`((?:torch|F|nn)\\.[^`]+)`").matcher(line);
                if (m.find()) torch = "`" + m.group(1) + "`";
            }
            if (torch != null) md.append("\nPyTorch: ").append(torch).append('\n');
            Matcher code = CODE.matcher(cells.getFirst());
            while (code.find()) {
                for (String word : code.group(1).split("\\s+")) {
                    Matcher n = NAME.matcher(word);
                    if (n.find()) out.putIfAbsent(n.group(1), md.toString().strip());
                }
            }
        }
        return new BuiltinDocs(out);
    }

    /** A table row's cells, with {@code \|} kept as a bar inside a cell. */
    private static List<String> cells(String line) {
        String body = line.strip();
        if (body.startsWith("|")) body = body.substring(1);
        if (body.endsWith("|")) body = body.substring(0, body.length() - 1);
        List<String> out = new ArrayList<>();
        for (String c : body.split("(?<!\\\\)\\|", -1)) out.add(c.strip().replace("\\|", "|"));
        return out;
    }
}
