package dev.modelc.cli;

import picocli.CommandLine;

/** The version {@code modelc --version} prints, from the jar's manifest when there is one. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"modelc " + (v != null ? v : "0.1.0-SNAPSHOT") + " (Java " + Runtime.version() + ")"};
    }
}
