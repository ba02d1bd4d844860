package dev.winrpc.async.example;

import dev.winrpc.async.pipe.PipeState;
import java.util.List;

/** Prints a state path compactly: a cycle of one or two states repeated n times as "(A B)xn". */
final class Paths {

    private Paths() {
    }

    static String compact(List<PipeState> path) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < path.size()) {
            int best = 1;
            int bestRepeats = 1;
            for (int len = 1; len <= 2; len++) {
                int repeats = 1;
                while (i + (repeats + 1) * len <= path.size()
                        && path.subList(i, i + len).equals(path.subList(i + repeats * len, i + (repeats + 1) * len))) {
                    repeats++;
                }
                if (repeats > 1 && repeats * len > bestRepeats * best) {
                    best = len;
                    bestRepeats = repeats;
                }
            }
            if (sb.length() > 0) {
                sb.append(" -> ");
            }
            if (bestRepeats > 1) {
                sb.append('(');
                for (int k = 0; k < best; k++) {
                    sb.append(k > 0 ? " " : "").append(path.get(i + k));
                }
                sb.append(")x").append(bestRepeats);
                i += best * bestRepeats;
            } else {
                sb.append(path.get(i));
                i++;
            }
        }
        return sb.toString();
    }
}
