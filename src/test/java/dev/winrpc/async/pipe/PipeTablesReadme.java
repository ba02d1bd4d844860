package dev.winrpc.async.pipe;

/**
 * The README's section on the pipe state tables, rendered from {@link PipeProtocol}: each of the
 * six tables under a {@code ### IN pipe, client} style heading, as a Mermaid diagram.
 *
 * <p>{@link PipeTablesReadmeTest} checks that README.md holds exactly {@link #section()} between
 * the lines {@value #BEGIN} and {@value #END}. To regenerate it after changing a table, print it
 * and paste the output between those lines:
 *
 * <pre>
 * mvn -q -o test-compile -Dwinrpc.skipSimulator=true
 * java -cp target/classes:target/test-classes dev.winrpc.async.pipe.PipeTablesReadme
 * </pre>
 */
public final class PipeTablesReadme {

    /** The line that opens the generated section. */
    public static final String BEGIN = "<!-- pipe-tables:begin -->";

    /** The line that closes the generated section. */
    public static final String END = "<!-- pipe-tables:end -->";

    private PipeTablesReadme() {
    }

    /**
     * The text that belongs between the {@link #BEGIN} and {@link #END} lines: a blank line, then
     * each table (heading, blank line, Mermaid fence) followed by a blank line. It starts and ends
     * with a line break.
     *
     * @return the section
     */
    public static String section() {
        StringBuilder out = new StringBuilder("\n");
        for (PipeKind kind : PipeKind.values()) {
            for (Side side : Side.values()) {
                PipeProtocol p = PipeProtocol.of(kind, side);
                out.append("### ").append(p.title()).append("\n\n")
                    .append("```mermaid\n")
                    .append(p.toMermaid())
                    .append("```\n\n");
            }
        }
        return out.toString();
    }

    /**
     * Prints {@link #section()} to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.print(section());
        System.out.flush();
    }
}
