package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generators of the binding, client and server ({@link JavaStubs}): what they write for the
 * fixture and the subset, and that a parameter they do not carry stops them with its location and name,
 * writing none of the three (never wrong code). What the generated code does is
 * GeneratedFixtureTest's, GeneratedSyncOpsTest's and GeneratedSubsetTest's.
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
    void theFixtureGetsItsThreeClassesAndABulkServer() throws Exception {
        IdlModel m = Idl.parse(IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF);
        Map<String, String> sources = new LinkedHashMap<>();
        assertNull(JavaStubs.generate(m, "gen", sources));
        assertEquals(java.util.List.of("WinRpcFixtureNative", "WinRpcFixtureClient", "WinRpcFixtureServer",
                "WinRpcFixtureBulkServer"), java.util.List.copyOf(sources.keySet()));
        String client = sources.get("WinRpcFixtureClient");
        assertTrue(client.contains("public StubCall<WinRpcFixtureClient.PipeEchoResult> pipeEcho(RpcBinding binding, int a, "
                + "PipeWriter<int[]> inpipe, PipeReader<int[]> outpipe)"), client);
        assertTrue(client.contains("public record PipeEchoResult(int reply, int b)"), client);
        String bind = sources.get("WinRpcFixtureNative");
        assertTrue(bind.contains("int WinRpcFixture_PipeEcho(Pointer pAsync, Pointer h, int a, Pointer inpipe, Pointer outpipe, Pointer b);"), bind);
        assertTrue(bind.contains("Map<String, Object> OPTIONS = RpcEntry.CDECL_OPTIONS;"), bind);
        String server = sources.get("WinRpcFixtureServer");
        assertTrue(server.contains("CompletionStage<Integer> pipeSum(PipeReader<int[]> inpipe);"), server);
        assertTrue(client.contains("public StubCall<WinRpcFixtureClient.PipeEchoResult> pipeEchoBulk(RpcBinding binding, int a, "
                + "PipeWriter<PipeBlock> inpipe, PipeReader<PipeView> outpipe)"), client);
        assertFalse(client.contains("addBulk"), "only operations with a pipe have a bulk form");
        String bulk = sources.get("WinRpcFixtureBulkServer");
        assertTrue(bulk.contains("CompletionStage<Integer> pipeSum(PipeReader<PipeView> inpipe);"), bulk);
        assertTrue(bulk.contains("PipeReader.lending(PipeCodec.INTS, impl.chunkElements(\"PipeSum\"))"), bulk);
        assertTrue(bulk.contains("PipeWriter.zeroCopy(PipeCodec.INTS)"), bulk);
        assertTrue(bulk.contains("static RpcInterface rpcInterface(WinRpcFixtureBulkServer impl, Dispatcher dispatcher)"), bulk);
    }

    @Test
    void anInterfaceWithoutPipesGetsNoBulkServer() throws Exception {
        Map<String, String> sources = generate(HEAD + "long Op([in] handle_t h, [in] long a);\n}\n", null,
                new LinkedHashMap<>(), new String[1]);
        assertEquals(java.util.List.of("INative", "IClient", "IServer"), java.util.List.copyOf(sources.keySet()));
    }

    @Test
    void aParameterNotCarriedStopsAllThreeAndIsNamedWithItsLocation() throws Exception {
        String[] why = new String[1];
        Map<String, String> before = new LinkedHashMap<>(Map.of("Keep", "x"));
        Map<String, String> after = generate(HEAD + "long Ok([in] handle_t h, [in] long a);\n"
                + "long Greet([in] handle_t h, [in, out, string] wchar_t **who);\n}\n", "interface I { [async] Greet(); }\n",
                new LinkedHashMap<>(before), why);
        assertEquals(before, after, "nothing added");
        assertNotNull(why[0]);
        assertTrue(why[0].startsWith("t.idl:3:"), why[0]);
        assertTrue(why[0].contains("parameter 'who' of operation Greet: an [in, out] pointer to a [string] pointer"), why[0]);
    }

    @Test
    void aSynchronousOperationWithAPipeIsRefused() throws Exception {
        String[] why = new String[1];
        generate(HEAD + "typedef pipe long LP;\nlong Sum([in] handle_t h, [in] LP *p);\n}\n", null, new LinkedHashMap<>(), why);
        assertNotNull(why[0]);
        assertTrue(why[0].contains("synchronous operation Sum has a pipe"), why[0]);
    }

    @Test
    void aSynchronousOperationWithAStringGetsItsTwoMethods() throws Exception {
        String[] why = new String[1];
        Map<String, String> s = generate(HEAD + "long Greet([in] handle_t h, [in, string] wchar_t *who);\n}\n", null,
                new LinkedHashMap<>(), why);
        assertNull(why[0]);
        String client = s.get("IClient");
        assertTrue(client.contains("public Integer greet(RpcBinding binding, java.lang.String who)"), client);
        assertTrue(client.contains("greetAsync(RpcBinding binding, java.lang.String who, Executor executor)"), client);
    }

    @Test
    void everyBaseTypeAndEnumIsAReturnType() throws Exception {
        String[] why = new String[1];
        Map<String, String> s = generate(HEAD + "typedef enum { A, B } E;\nhyper Big([in] handle_t h);\nboolean Yes([in] handle_t h);\n"
                + "E Which([in] handle_t h);\n}\n", "interface I { [async] Big(); [async] Which(); }\n", new LinkedHashMap<>(), why);
        assertNull(why[0]);
        String client = s.get("IClient");
        assertTrue(client.contains("public StubCall<java.lang.Long> big(RpcBinding binding)"), client);
        assertTrue(client.contains("NdrReplies.of(dev.winrpc.async.stub.NdrType.INT64)"), client);
        assertTrue(client.contains("public java.lang.Boolean yes(RpcBinding binding)"), client);
        assertTrue(client.contains("public StubCall<E> which(RpcBinding binding)"), client);
    }

    @Test
    void theSubsetGetsItsThreeClassesWithEveryKind() throws Exception {
        IdlModel m = Idl.parse(IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF);
        Map<String, String> sources = new LinkedHashMap<>();
        assertNull(JavaStubs.generate(m, "gen", sources));
        String client = sources.get("SubsetClient");
        assertTrue(client.contains("public StubCall<SubsetClient.FillResult> fill(RpcBinding binding, int max)"), client);
        assertTrue(client.contains("public record FillResult(int reply, byte[] buffer, int written)"), client);
        assertTrue(client.contains("public StubCall<SubsetClient.SwapResult> swap(RpcBinding binding, POINT p, "
                + "java.lang.Integer optional)"), client);
        assertTrue(client.contains("PipeWriter<java.util.List<SAMPLE>> samples, PipeReader<java.util.List<java.lang.Byte>> log"),
                client);
        String bind = sources.get("SubsetNative");
        assertTrue(bind.contains("class BLOBValue extends Structure implements Structure.ByValue"), bind);
        assertTrue(bind.contains("int Subset_Describe(Pointer pAsync, Pointer h, Pointer record_, SubsetNative.BLOBValue blob, "
                + "Pointer color);"), bind);
        String server = sources.get("SubsetServer");
        assertTrue(server.contains("CompletionStage<SubsetClient.HelloResult> hello(java.lang.String who);"), server);
        assertTrue(client.contains("public record RenameResult(int reply, java.lang.String name, java.lang.String tag)"), client);
        assertTrue(client.contains("public record RotateResult(int[] values, short[] quad)"), client);
        assertTrue(client.contains("public SubsetClient.WindowResult window(RpcBinding binding, int max, int used, byte[] window)"),
                client);
        assertTrue(server.contains("CompletionStage<SubsetClient.RotateResult> rotate(int n, int[] values, short[] quad);"), server);
        assertTrue(server.contains("a$.inOutString(2, dev.winrpc.async.stub.NdrType.ansiString(true), tag, res$.tag(), v$tag"),
                server);
        assertTrue(server.contains("a$.inOutArray(3, dev.winrpc.async.stub.NdrType.fixedArray("), server);
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
