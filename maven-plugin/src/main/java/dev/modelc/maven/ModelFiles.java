package dev.modelc.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.lang.model.SourceVersion;
import org.codehaus.plexus.util.DirectoryScanner;

/**
 * Finds the {@code .model} files of a source folder (Ant-style includes and excludes, as every
 * Maven plugin takes them) and gives each its Java package: its folder under the source folder
 * ({@code com/example/crops.model} is in {@code com.example}), or, for a file at the top, its
 * name ({@code crop_yield.model} is in {@code crop_yield}, as {@code modelc compile} does).
 */
final class ModelFiles {
    /** A {@code .model} file: its path under the source folder, with {@code /} separators, and its package. */
    record ModelFile(String relativePath, Path file, String packageName) {
    }

    private ModelFiles() {
    }

    static List<ModelFile> scan(Path root, Collection<String> includes, Collection<String> excludes, String packageName) {
        if (!root.toFile().isDirectory()) return List.of();
        DirectoryScanner scanner = new DirectoryScanner();
        scanner.setBasedir(root.toFile());
        scanner.setIncludes(includes.toArray(String[]::new));
        scanner.setExcludes(excludes.toArray(String[]::new));
        scanner.addDefaultExcludes();
        scanner.scan();
        String[] found = scanner.getIncludedFiles();
        Arrays.sort(found);
        List<ModelFile> out = new ArrayList<>();
        for (String relative : found) {
            String slashed = relative.replace(File.separatorChar, '/');
            out.add(new ModelFile(slashed, root.resolve(relative), packageName != null ? packageName : packageOf(slashed)));
        }
        return out;
    }

    /** The package of a file at {@code relativePath} (with {@code /} separators): its folders, or its name at the top. */
    static String packageOf(String relativePath) {
        int slash = relativePath.lastIndexOf('/');
        if (slash < 0) return identifier(relativePath.replaceFirst("\\.model$", "").toLowerCase(Locale.ROOT));
        List<String> parts = new ArrayList<>();
        for (String folder : relativePath.substring(0, slash).split("/")) parts.add(identifier(folder));
        return String.join(".", parts);
    }

    /** A folder or file name as a package name part: characters Java does not allow become {@code _}; a keyword gets one after it. */
    private static String identifier(String name) {
        StringBuilder s = new StringBuilder();
        name.codePoints().forEach(c -> s.appendCodePoint(Character.isJavaIdentifierPart(c) ? c : '_'));
        if (s.length() == 0 || !Character.isJavaIdentifierStart(s.codePointAt(0))) s.insert(0, '_');
        String id = s.toString();
        return SourceVersion.isKeyword(id) ? id + "_" : id;
    }
}
