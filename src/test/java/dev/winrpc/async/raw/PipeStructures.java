package dev.winrpc.async.raw;

/** Pipe structures whose pull and push go one chosen way, for tests outside this package. */
public final class PipeStructures {

    private PipeStructures() {
    }

    /** {@return a zeroed pipe structure that calls pull and push through JNA, whatever the JDK} */
    public static ASYNC_PIPE throughJna() {
        return new ASYNC_PIPE(new PipeCalls.Jna());
    }

    /**
     * @param pipe a pipe structure
     * @return how it calls pull and push: "ffm" or "jna"
     */
    public static String callsKind(ASYNC_PIPE pipe) {
        return pipe.callsKind();
    }
}
