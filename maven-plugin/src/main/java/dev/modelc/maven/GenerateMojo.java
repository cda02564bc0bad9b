package dev.modelc.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.inject.Inject;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * Generates a typed Java class for every model of the project's {@code .model} files and adds
 * them to the sources to compile. Only files whose bytes changed since the last run are
 * generated again. A file with errors fails the build with its diagnostics
 * ({@code file:line:col: error: ...}).
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    /** Where the {@code .model} files are. */
    @Parameter(property = "modelc.sourceDirectory", defaultValue = "${project.basedir}/src/main/model")
    private File sourceDirectory;

    /** Where the Java sources go; added to the project's compile source roots. */
    @Parameter(property = "modelc.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/modelc")
    private File outputDirectory;

    /** Which files of {@link #sourceDirectory} to read (Ant patterns); by default every {@code .model} file. */
    @Parameter
    private Set<String> includes = new LinkedHashSet<>(List.of("**/*.model"));

    /** Files to leave out (Ant patterns). */
    @Parameter
    private Set<String> excludes = new LinkedHashSet<>();

    /**
     * The Java package of every generated class. By default each file's folder under
     * {@link #sourceDirectory} ({@code com/example/crops.model} gives {@code com.example}), or
     * the file's name for a file at the top ({@code crop_yield.model} gives {@code crop_yield}).
     */
    @Parameter(property = "modelc.packageName")
    private String packageName;

    /** The models to generate, by name; by default every model of every file. */
    @Parameter(property = "modelc.models")
    private List<String> models = new ArrayList<>();

    /** {@code f32} or {@code f64}: declare every floating value of the models as this dtype ({@code --dtype}). */
    @Parameter(property = "modelc.dtype")
    private String dtype;

    @Parameter(property = "modelc.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution execution;

    private final ToolchainManager toolchains;

    @Inject
    public GenerateMojo(ToolchainManager toolchains) {
        this.toolchains = toolchains;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("modelc: skipped (modelc.skip)");
            return;
        }
        if (dtype != null && !dtype.equals("f32") && !dtype.equals("f64")) {
            throw new MojoFailureException("modelc: <dtype> is f32 or f64, not '" + dtype + "'");
        }
        Path out = outputDirectory.toPath().toAbsolutePath();
        Path scratch = Path.of(project.getBuild().getDirectory(), "modelc", execution.getExecutionId());
        Path stateFile = scratch.resolve("state.txt");
        try {
            List<ModelFiles.ModelFile> files = ModelFiles.scan(sourceDirectory.toPath().toAbsolutePath(), includes, excludes, packageName);
            ForkedGenerator.Launcher launcher = new ForkedGenerator.Launcher(java(), classPath());
            String fingerprint = fingerprint(launcher, out);
            GenerationState before = GenerationState.read(stateFile);
            // Another generator or other options: every file is stale, and every old class is deleted below.
            boolean sameGenerator = before.fingerprint().equals(fingerprint);
            Map<String, GenerationState.Entry> after = new LinkedHashMap<>();
            Map<String, String> hashes = new LinkedHashMap<>();
            List<ModelFiles.ModelFile> stale = new ArrayList<>();
            for (ModelFiles.ModelFile f : files) {
                String hash = GenerationState.sha256(f.file());
                hashes.put(f.relativePath(), hash);
                if (!sameGenerator || before.isStale(f.relativePath(), hash, out)) stale.add(f);
                else after.put(f.relativePath(), before.entries().get(f.relativePath()));
            }
            // Outputs of files that are gone or will be generated again: a renamed model must not leave its old class behind.
            for (Map.Entry<String, GenerationState.Entry> e : before.entries().entrySet()) {
                if (!after.containsKey(e.getKey())) for (String o : e.getValue().outputs()) Files.deleteIfExists(out.resolve(o));
            }
            String where = relative(sourceDirectory.toPath());
            if (files.isEmpty()) getLog().info("modelc: no .model files in " + where);
            else if (stale.isEmpty()) getLog().info("modelc: " + count(files.size(), ".model file") + " in " + where + ", all up to date");
            else getLog().info("modelc: generating Java for " + stale.size() + " of " + count(files.size(), ".model file") + " in "
                    + where + ": " + String.join(", ", stale.stream().map(ModelFiles.ModelFile::relativePath).toList()));

            List<String> failed = new ArrayList<>();
            String diagnostics = "";
            if (!stale.isEmpty()) {
                Map<Path, String> packages = new LinkedHashMap<>();
                for (ModelFiles.ModelFile f : stale) packages.put(f.file(), f.packageName());
                ForkedGenerator.Outcome o = ForkedGenerator.run(launcher, project.getBasedir().toPath(), out, scratch, dtype, models, packages);
                diagnostics = o.errors();
                if (o.status() > 1 || (o.status() == 1 && !o.generated().containsValue(null))) {
                    throw new MojoExecutionException("modelc: the generator stopped with status " + o.status() + ":\n" + o.errors());
                }
                int classes = 0;
                for (ModelFiles.ModelFile f : stale) {
                    List<String> written = o.generated().getOrDefault(f.file(), List.of());
                    if (written == null) {
                        failed.add(f.relativePath());
                        continue;
                    }
                    after.put(f.relativePath(), new GenerationState.Entry(hashes.get(f.relativePath()), written));
                    classes += written.size();
                }
                getLog().info("modelc: wrote " + count(classes, "class") + " to " + relative(out));
            }
            new GenerationState(fingerprint, after).write(stateFile);
            if (Files.isDirectory(out)) project.addCompileSourceRoot(out.toString());
            if (!failed.isEmpty()) {
                for (String line : diagnostics.split("\n")) getLog().error(line);
                throw new MojoFailureException("modelc: " + String.join(", ", failed) + (failed.size() == 1 ? " has" : " have")
                        + " errors:\n" + diagnostics);
            }
            for (String line : diagnostics.split("\n")) if (!line.isEmpty()) getLog().warn(line);
            checkModelsExist(after);
        } catch (IOException e) {
            throw new MojoExecutionException("modelc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("modelc: interrupted", e);
        }
    }

    /** A model named in {@code <models>} that no file has is a mistake, not an empty result. */
    private void checkModelsExist(Map<String, GenerationState.Entry> state) throws MojoFailureException {
        Set<String> found = new TreeSet<>();
        for (GenerationState.Entry e : state.values()) {
            for (String o : e.outputs()) found.add(o.substring(o.lastIndexOf('/') + 1).replaceFirst("\\.java$", ""));
        }
        for (String m : models) {
            if (!found.contains(m)) {
                throw new MojoFailureException("modelc: <models> names '" + m + "', but no .model file in " + relative(sourceDirectory.toPath())
                        + " has a model of that name" + (found.isEmpty() ? "" : " (generated: " + String.join(", ", found) + ")"));
            }
        }
    }

    /** {@code java} of the build's JDK toolchain (maven-toolchains-plugin), of a JDK 25 in toolchains.xml, or of the JDK Maven runs on if it is 25 or newer. */
    private Path java() throws MojoExecutionException {
        Toolchain tc = toolchains.getToolchainFromBuildContext("jdk", session);
        if (tc == null) {
            List<Toolchain> jdks = toolchains.getToolchains(session, "jdk", Map.of("version", "[25,)"));
            if (!jdks.isEmpty()) tc = jdks.get(0);
        }
        if (tc != null) {
            String java = tc.findTool("java");
            if (java != null) return Path.of(java);
        }
        if (Runtime.version().feature() >= 25) return Path.of(System.getProperty("java.home"), "bin", "java");
        throw new MojoExecutionException("modelc: generating Java needs a JDK 25 or newer, and Maven runs on Java "
                + Runtime.version().feature() + " with no JDK toolchain selected. Select one before generate-sources with"
                + " maven-toolchains-plugin (goal select-jdk-toolchain, <version>[25,)</version>), list a JDK 25 in"
                + " ~/.m2/toolchains.xml, or run Maven on JDK 25.");
    }

    private List<Path> classPath() {
        List<Path> jars = new ArrayList<>();
        for (Artifact a : plugin.getArtifacts()) if (a.getFile() != null) jars.add(a.getFile().toPath());
        return jars;
    }

    /** Everything besides the files that decides what is generated: the generator's own bytes and the options. */
    private String fingerprint(ForkedGenerator.Launcher launcher, Path out) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Path jar : launcher.classPath()) {
            s.append(jar.getFileName()).append(' ').append(Files.isRegularFile(jar) ? GenerationState.sha256(jar) : jar.toString()).append('\n');
        }
        s.append("package ").append(packageName).append("\ndtype ").append(dtype).append("\nmodels ").append(models)
                .append("\nout ").append(out).append('\n');
        return GenerationState.sha256(s.toString());
    }

    private String relative(Path p) {
        Path base = project.getBasedir().toPath().toAbsolutePath();
        Path abs = p.toAbsolutePath();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}
