package dev.winrpc.async.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md shows the six pipe state tables as they are in the code: the text between the lines
 * {@code <!-- pipe-tables:begin -->} and {@code <!-- pipe-tables:end -->} must equal
 * {@link PipeTablesReadme#section()}.
 *
 * <p>If this fails after a table changed, regenerate the section with
 * {@link PipeTablesReadme#main(String[])} (test scope; the command is in its Javadoc) and paste
 * its output between the two marker lines, touching nothing else in README.md.
 */
class PipeTablesReadmeTest {

    private static String readme() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ""));
        return Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    @Test
    void readmeSectionIsTheRenderingOfTheSixTables() throws IOException {
        String readme = readme();
        String begin = PipeTablesReadme.BEGIN + "\n";
        String end = "\n" + PipeTablesReadme.END + "\n";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertTrue(from >= 0 && readme.indexOf(begin, from + 1) < 0, "README.md needs one line " + PipeTablesReadme.BEGIN);
        assertTrue(to > from && readme.indexOf(end, to + 1) < 0, "README.md needs one line " + PipeTablesReadme.END
            + " after " + PipeTablesReadme.BEGIN);
        String actual = readme.substring(from + begin.length(), to + 1);
        assertEquals(PipeTablesReadme.section(), actual,
            "README.md's pipe-tables section is stale: regenerate it with dev.winrpc.async.pipe.PipeTablesReadme");
    }

    @Test
    void sectionHasEveryTableUnderItsHeadingInAMermaidFence() {
        String section = PipeTablesReadme.section();
        int last = -1;
        for (SeedTables.Table table : SeedTables.tables()) {
            String block = "### " + table.title() + "\n\n```mermaid\n" + table.protocol().toMermaid() + "```\n";
            int at = section.indexOf(block);
            assertTrue(at > last, "missing or out of order: " + table);
            last = at;
        }
        assertTrue(section.startsWith("\n### IN pipe, client\n"));
        assertTrue(section.endsWith("```\n\n"));
    }
}
