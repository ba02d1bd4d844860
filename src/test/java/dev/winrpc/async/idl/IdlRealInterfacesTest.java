package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.PointerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Real interfaces of Microsoft's protocol specifications (src/test/resources/idl/ms/, each
 * trimmed to the subset as its header says) parse: the parser meets real IDL.
 */
class IdlRealInterfacesTest {

    private static final Path MS = IdlModelTest.ROOT.resolve("src/test/resources/idl/ms");

    @Test
    void msDcomIObjectExporterParsesWithItsSixOperations() throws Exception {
        IdlModel m = Idl.parse(MS.resolve("ms-dcom-iobjectexporter.idl"), null);
        IdlInterface i = m.iface("IObjectExporter").orElseThrow();
        assertEquals(UUID.fromString("99fcfec4-5260-101b-bbcb-00aa0021347a"), i.uuid());
        assertEquals(0, i.majorVersion());
        assertEquals(List.of("ResolveOxid", "SimplePing", "ComplexPing", "ServerAlive", "ResolveOxid2", "ServerAlive2"),
                i.operations().stream().map(Operation::name).toList());
        Operation ping = i.operation("ComplexPing").orElseThrow();
        assertEquals(2, ping.opnum());
        Param add = ping.params().stream().filter(p -> p.name().equals("AddToSet")).findFirst().orElseThrow();
        assertEquals(PointerKind.UNIQUE, ((Pointer) add.type()).kind(), "an array that may be null");
    }

    @Test
    void msEven6IEventServiceParses() throws Exception {
        IdlModel m = Idl.parse(MS.resolve("ms-even6-ieventservice.idl"), null);
        IdlInterface i = m.iface("IEventService").orElseThrow();
        assertEquals(UUID.fromString("f6beaff7-1e19-4fbb-9f8f-b89e2018337c"), i.uuid());
        assertEquals(List.of("EvtRpcAssertConfig", "EvtRpcRetractConfig"), i.operations().stream().map(Operation::name).toList());
        assertEquals(2L * 1024 * 1024, m.constants().get(0).value());
    }
}
