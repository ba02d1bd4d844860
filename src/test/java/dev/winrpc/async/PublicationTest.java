package dev.winrpc.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What makes the project adoptable stays in place (issue 15): the Apache License's standard text
 * and a NOTICE; in pom.xml the metadata Maven Central requires, a reproducible-build timestamp,
 * the sources and Javadoc jars with doclint failing on any warning, the module name and the
 * verify-time check of it, and a release profile that nothing activates; a package-info with a
 * description in every package of src/main; and a licence for every file of docs/reference, the
 * Microsoft pages among them marked CC BY 4.0 there and in NOTICE. (The failures themselves, on
 * a broken reference, a missing comment or a missing module name, are the build's: javadoc and the
 * antrun check at verify. This test keeps them configured.)
 */
class PublicationTest {

    /** SHA-256 of the Apache License 2.0 as apache.org publishes it (LICENSE-2.0.txt), LF line ends. */
    private static final String APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    private static Element project;

    @BeforeAll
    static void load() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        project = doc.getDocumentElement();
    }

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static Element child(Element e, String name) {
        for (Node n = e == null ? null : e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(name)) {
                return (Element) n;
            }
        }
        return null;
    }

    private static String text(Element e) {
        return e == null ? null : e.getTextContent().trim();
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e == null ? null : e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** A plugin of the default build (not of a profile, not pluginManagement). */
    private static Element buildPlugin(String artifactId) {
        for (Element p : children(child(child(project, "build"), "plugins"), "plugin")) {
            if (artifactId.equals(text(child(p, "artifactId")))) {
                return p;
            }
        }
        throw new AssertionError("the default build has no " + artifactId);
    }

    private static Element profile(String id) {
        for (Element p : children(child(project, "profiles"), "profile")) {
            if (id.equals(text(child(p, "id")))) {
                return p;
            }
        }
        throw new AssertionError("pom.xml has no profile " + id);
    }

    private static List<String> goals(Element plugin) {
        List<String> out = new ArrayList<>();
        for (Element execution : children(child(plugin, "executions"), "execution")) {
            for (Element goal : children(child(execution, "goals"), "goal")) {
                out.add(text(goal));
            }
        }
        return out;
    }

    @Test
    void licenceIsTheStandardApacheTextAndNoticeNamesTheProject() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(read("LICENSE").getBytes(StandardCharsets.UTF_8));
        assertEquals(APACHE_2_SHA256, HexFormat.of().formatHex(digest),
                "LICENSE must be the Apache License 2.0's standard text, unchanged");
        String notice = read("NOTICE");
        assertTrue(notice.startsWith("winrpc-async\nCopyright 2026 the winrpc-async authors\n"), notice);
    }

    @Test
    void pomHasWhatCentralRequires() {
        for (String name : List.of("name", "description", "url")) {
            String value = text(child(project, name));
            assertTrue(value != null && !value.isEmpty(), name);
        }
        Element license = child(child(project, "licenses"), "license");
        assertEquals("Apache License, Version 2.0", text(child(license, "name")));
        assertEquals("https://www.apache.org/licenses/LICENSE-2.0.txt", text(child(license, "url")));
        assertNotNull(text(child(child(child(project, "developers"), "developer"), "name")));
        Element scm = child(project, "scm");
        for (String name : List.of("connection", "developerConnection", "url")) {
            assertNotNull(text(child(scm, name)), "scm " + name);
        }
        String timestamp = text(child(child(project, "properties"), "project.build.outputTimestamp"));
        assertTrue(timestamp != null && timestamp.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                "project.build.outputTimestamp: " + timestamp);
    }

    @Test
    void verifyBuildsSourcesAndJavadocJarsWithDoclintFailingOnAnyWarning() {
        assertEquals(List.of("jar-no-fork"), goals(buildPlugin("maven-source-plugin")));
        Element javadoc = buildPlugin("maven-javadoc-plugin");
        assertEquals(List.of("jar"), goals(javadoc));
        Element config = child(javadoc, "configuration");
        assertEquals("all", text(child(config, "doclint")), "every doclint group, 'missing' included");
        assertEquals("true", text(child(config, "failOnWarnings")));
        assertNull(child(config, "skip"));
    }

    @Test
    void jarNamesItsModuleAndVerifyChecksIt() {
        Element manifest = child(child(child(buildPlugin("maven-jar-plugin"), "configuration"), "archive"),
                "manifestEntries");
        assertEquals("dev.winrpc.async", text(child(manifest, "Automatic-Module-Name")));
        Element antrun = buildPlugin("maven-antrun-plugin");
        Element execution = children(child(antrun, "executions"), "execution").get(0);
        assertEquals("check-module-name", text(child(execution, "id")));
        assertEquals("verify", text(child(execution, "phase")));
        Element matches = (Element) execution.getElementsByTagName("matches").item(0);
        assertNotNull(matches, "the check matches the manifest's text");
        assertEquals("^Automatic-Module-Name: dev\\.winrpc\\.async\\r?$", matches.getAttribute("pattern"));
    }

    @Test
    void releaseProfileSignsAndDeploysAndIsNeverActiveByItself() {
        Element release = profile("release");
        assertNull(child(release, "activation"), "CI must never run the release profile");
        List<String> plugins = new ArrayList<>();
        Element gpg = null;
        for (Element p : children(child(child(release, "build"), "plugins"), "plugin")) {
            plugins.add(text(child(p, "artifactId")));
            gpg = "maven-gpg-plugin".equals(text(child(p, "artifactId"))) ? p : gpg;
        }
        assertEquals(List.of("maven-enforcer-plugin", "maven-gpg-plugin", "central-publishing-maven-plugin"), plugins);
        assertEquals(List.of("sign"), goals(gpg));
        assertEquals(1, release.getElementsByTagName("requireReleaseVersion").getLength(),
                "the release profile refuses a SNAPSHOT version");
    }

    @Test
    void everyPackageHasADescription() throws IOException {
        Path main = ROOT.resolve(Path.of("src", "main", "java"));
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(main)) {
            dirs = s.filter(Files::isDirectory).filter(d -> {
                try (Stream<Path> files = Files.list(d)) {
                    return files.anyMatch(f -> f.toString().endsWith(".java"));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
        assertFalse(dirs.isEmpty());
        for (Path dir : dirs) {
            Path info = dir.resolve("package-info.java");
            assertTrue(Files.exists(info), main.relativize(dir) + " has no package-info.java");
            String text = Files.readString(info, StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("/\\*\\*\\s*\\*?\\s*(\\S[^\\n]{20,})").matcher(text);
            assertTrue(m.find(), main.relativize(info) + " needs a description of the package");
        }
    }

    @Test
    void everyReferenceDocumentHasItsLicenceAndMicrosoftsPagesAreCcBy() throws IOException {
        String readme = read("docs/reference/README.md");
        int licence = readme.indexOf("\n## Licence\n");
        assertTrue(licence >= 0, "docs/reference/README.md needs a Licence section");
        String table = readme.substring(licence);
        String notice = read("NOTICE");
        List<Path> files;
        try (Stream<Path> s = Files.list(ROOT.resolve("docs/reference"))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String row = table.lines().filter(l -> l.startsWith("|") && l.contains(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not in the Licence table of docs/reference/README.md"));
            // Microsoft's pages are recognised by their front matter (ms.assetid, ms.date).
            boolean microsoft = Files.readString(f, StandardCharsets.UTF_8).contains("\nms.assetid:");
            if (microsoft) {
                assertTrue(row.contains("Microsoft") && row.contains("CC BY 4.0"), row);
                assertTrue(notice.contains("docs/reference/" + name), "NOTICE names " + name);
            } else {
                assertTrue(row.contains("Apache License 2.0"), row);
            }
        }
        assertTrue(notice.contains("CC BY 4.0"));
    }
}
