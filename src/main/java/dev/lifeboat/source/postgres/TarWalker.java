package dev.lifeboat.source.postgres;

import java.io.IOException;
import java.util.Optional;

/**
 * Walks a ustar stream as it is fed, in pieces of any size: each member's header, its content, the
 * padding after it skipped, until the block that ends the archive. {@link TarExtractor} extracts through
 * it; {@link TarFileCapture} keeps a few members' content of the stream a base backup stores.
 */
final class TarWalker {
    /** What is done with the members, in the stream's order. */
    interface Members {
        void start(TarHeader member) throws IOException;

        /** The next piece of the started member's content. */
        void content(byte[] bytes, int offset, int length) throws IOException;

        /** The started member's content is all there (at once for one without content). */
        void end() throws IOException;

        /** A header whose checksum or size does not parse: the walk ends after this, unless it throws. */
        void damaged() throws IOException;
    }

    private final Members members;
    private final byte[] header = new byte[TarHeader.BLOCK];
    private int headerFill;
    /** Content of the current member still to come, then the padding to the next header. */
    private long contentLeft;
    private long paddingLeft;
    private boolean ended;

    TarWalker(Members members) {
        this.members = members;
    }

    /** Whether the archive's end (or a damaged header) was reached; nothing after it is looked at. */
    boolean ended() {
        return ended;
    }

    void feed(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        while (offset < end && !ended) {
            if (contentLeft > 0) {
                int k = (int) Math.min(contentLeft, end - offset);
                members.content(bytes, offset, k);
                contentLeft -= k;
                offset += k;
                if (contentLeft == 0) {
                    members.end();
                }
            } else if (paddingLeft > 0) {
                int k = (int) Math.min(paddingLeft, end - offset);
                paddingLeft -= k;
                offset += k;
            } else {
                int k = Math.min(TarHeader.BLOCK - headerFill, end - offset);
                System.arraycopy(bytes, offset, header, headerFill, k);
                headerFill += k;
                offset += k;
                if (headerFill == TarHeader.BLOCK) {
                    headerFill = 0;
                    next();
                }
            }
        }
    }

    private void next() throws IOException {
        if (TarHeader.isEnd(header)) {
            ended = true;
            return;
        }
        Optional<TarHeader> member = TarHeader.parse(header);
        if (member.isEmpty()) {
            members.damaged();
            ended = true;
            return;
        }
        members.start(member.get());
        contentLeft = member.get().size();
        paddingLeft = member.get().paddedSize() - contentLeft;
        if (contentLeft == 0) {
            members.end();
        }
    }
}
