package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generators of the binding, client and server ({@link JavaStubs}): what they write for the
 * fixture, and that a parameter they do not carry yet stops them with its location and name,
 * writing none of the three (never wrong code). What the generated code does is
 * GeneratedFixtureTest's and GeneratedSyncOpsTest's.
 */
class IdlJavaStubsTest {

    private static final String HEAD = "[uuid(11111111-2222-3333-4444-555555555555), version(1.0)] interface I {\n";

    private static Map<String, String> generate(String idl, String acf, Map<String, String> sources, String[] reason)
            throws IdlException {
        IdlModel m = Idl.parse("t.idl", idl, acf == null ? null : "t.acf", acf);
        reason[0] = JavaStubs.generate(m, "p", sources);
        return sources;
    }

    @Test
    void theFixtureGetsItsThreeClasses() throws Exception {
        IdlModel m = Idl.parse(IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF);
        Map<String, String> sources = new LinkedHashMap<>();
        assertNull(JavaStubs.generate(m, "gen", sources));
        assertEquals(java.util.List.of("WinRpcFixtureNative", "WinRpcFixtureClient", "WinRpcFixtureServer"),
                java.util.List.copyOf(sources.keySet()));
        String client = sources.get("WinRpcFixtureClient");
        assertTrue(client.contains("public StubCall<WinRpcFixtureClient.PipeEchoResult> pipeEcho(RpcBinding binding, int a, "
                + "PipeWriter<int[]> inpipe, PipeReader<int[]> outpipe)"), client);
        assertTrue(client.contains("public record PipeEchoResult(int reply, int b)"), client);
        String bind = sources.get("WinRpcFixtureNative");
        assertTrue(bind.contains("int WinRpcFixture_PipeEcho(Pointer pAsync, Pointer h, int a, Pointer inpipe, Pointer outpipe, Pointer b);"), bind);
        assertTrue(bind.contains("Map<String, Object> OPTIONS = RpcEntry.CDECL_OPTIONS;"), bind);
        String server = sources.get("WinRpcFixtureServer");
        assertTrue(server.contains("CompletionStage<Integer> pipeSum(PipeReader<int[]> inpipe);"), server);
    }

    @Test
    void aParameterNotCarriedYetStopsAllThreeAndIsNamedWithItsLocation() throws Exception {
        String[] why = new String[1];
        Map<String, String> before = new LinkedHashMap<>(Map.of("Keep", "x"));
        Map<String, String> after = generate(HEAD + "long Ok([in] handle_t h, [in] long a);\n"
                + "long Greet([in] handle_t h, [in, string] wchar_t *who);\n}\n", null, new LinkedHashMap<>(before), why);
        assertEquals(before, after, "nothing added");
        assertNotNull(why[0]);
        assertTrue(why[0].startsWith("t.idl:3:"), why[0]);
        assertTrue(why[0].contains("parameter 'who' of operation Greet"), why[0]);
    }

    @Test
    void aSynchronousOperationWithAPipeIsRefused() throws Exception {
        String[] why = new String[1];
        generate(HEAD + "typedef pipe long LP;\nlong Sum([in] handle_t h, [in] LP *p);\n}\n", null, new LinkedHashMap<>(), why);
        assertNotNull(why[0]);
        assertTrue(why[0].contains("synchronous operation Sum has a pipe"), why[0]);
    }

    @Test
    void aReturnTypeNotCarriedYetIsRefused() throws Exception {
        String[] why = new String[1];
        generate(HEAD + "hyper Big([in] handle_t h);\n}\n", "interface I { [async] Big(); }\n", new LinkedHashMap<>(), why);
        assertNotNull(why[0]);
        assertTrue(why[0].contains("return type of operation Big"), why[0]);
    }

    @Test
    void aGeneratedClassNamedLikeAnIdlTypeIsRefused() throws Exception {
        String[] why = new String[1];
        generate(HEAD + "long Op([in] handle_t h);\n}\n", null, new LinkedHashMap<>(Map.of("IClient", "record")), why);
        assertNotNull(why[0]);
        assertTrue(why[0].contains("IClient"), why[0]);
    }

    @Test
    void namesTheGeneratedCodeUsesAreNotTakenByParameters() throws Exception {
        String[] why = new String[1];
        Map<String, String> s = generate(HEAD + "long Op([in] handle_t h, [in] long binding, [in] long call);\n}\n",
                "interface I { [async] Op(); }\n", new LinkedHashMap<>(), why);
        assertNull(why[0]);
        assertTrue(s.get("IClient").contains("op(RpcBinding binding, int binding_, int call_)"), s.get("IClient"));
    }
}
