package dev.winrpc.async.idl;

import java.util.LinkedHashMap;
import java.util.Map;

/** Adds the binding, client and server of every interface to the generated sources, or says why not. */
final class JavaStubs {

    private JavaStubs() {
    }

    /**
     * Generates {@code INative}, {@code IClient} and {@code IServer} for every interface, and
     * {@code IBulkServer} for one with pipes.
     *
     * @param model the checked model
     * @param pkg the Java package
     * @param sources the sources so far, by simple class name: the new ones are added, all or none
     * @return null when written, else the first located reason they are not (a kind of
     *         parameter the generated Java does not carry yet), naming the parameter
     */
    static String generate(IdlModel model, String pkg, Map<String, String> sources) {
        Map<String, String> added = new LinkedHashMap<>();
        try {
            for (IdlInterface itf : model.interfaces()) {
                put(added, sources, JavaBinding.name(itf), JavaBinding.generate(model, itf, pkg), itf);
                put(added, sources, JavaClient.name(itf), JavaClient.generate(model, itf, pkg), itf);
                put(added, sources, JavaServer.name(itf), JavaServer.generate(model, itf, pkg), itf);
                if (hasPipes(model, itf)) {
                    put(added, sources, JavaServer.bulkName(itf), JavaServer.generate(model, itf, pkg, true), itf);
                }
            }
        } catch (IdlException e) {
            return e.diagnostics().get(0).toString();
        }
        sources.putAll(added);
        return null;
    }

    private static boolean hasPipes(IdlModel model, IdlInterface itf) throws IdlException {
        for (Operation op : itf.operations()) {
            if (JavaStubParams.hasPipes(JavaStubParams.of(model, op))) {
                return true;
            }
        }
        return false;
    }

    private static void put(Map<String, String> added, Map<String, String> sources, String name, String source,
            IdlInterface itf) throws IdlException {
        if (sources.containsKey(name) || added.put(name, source) != null) {
            throw new IdlException(itf.at(), "interface", "the generated class " + name
                    + " would have the name of a generated type");
        }
    }
}
