package dev.tutor.runtime.net;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Cuts a client's messages into the writes it makes, as {@link ChaosClient.Pieces} says. */
final class ChaosPieces {
    private ChaosPieces() {
    }

    static List<byte[]> cut(List<byte[]> messages, ChaosClient.Pieces pieces, Random random) {
        return switch (pieces) {
            case WHOLE -> List.copyOf(messages);
            case ONE_BYTE -> sizes(join(messages), random, 1);
            case RANDOM -> sizes(join(messages), random, Math.max(2, longest(messages) * 2));
            case COALESCED -> coalesce(messages, random);
        };
    }

    /** Cuts {@code bytes} into pieces of 1 to {@code most} bytes. */
    private static List<byte[]> sizes(byte[] bytes, Random random, int most) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int size = Math.min(bytes.length - at, 1 + random.nextInt(most));
            byte[] piece = new byte[size];
            System.arraycopy(bytes, at, piece, 0, size);
            out.add(piece);
            at += size;
        }
        return out;
    }

    /** Glues two to four messages at a time into one write. */
    private static List<byte[]> coalesce(List<byte[]> messages, Random random) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < messages.size()) {
            int count = Math.min(messages.size() - at, 2 + random.nextInt(3));
            out.add(join(messages.subList(at, at + count)));
            at += count;
        }
        return out;
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static int longest(List<byte[]> messages) {
        return messages.stream().mapToInt(m -> m.length).max().orElse(1);
    }
}
