package org.iocp4j;

import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.PortSupport;

/** The ports' way into {@link Completion} and {@link CompletionBatch}, installed by {@link CompletionPort}. */
final class PortHolders implements PortSupport.Holders {

    @Override
    public void fill(Completion into, long key, int bytesTransferred, long overlappedAddress, int errorCode) {
        into.key = key;
        into.bytesTransferred = bytesTransferred;
        into.overlappedAddress = overlappedAddress;
        into.errorCode = errorCode;
    }

    @Override
    public NativeRegion beginFill(CompletionBatch batch) {
        return batch.beginFill();
    }

    @Override
    public void endFill(CompletionBatch batch, int filled) {
        batch.endFill(filled);
    }
}
