package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.iocp4j.internal.linux.LinuxLibrary;
import org.iocp4j.internal.windows.NativeLibraryLoader;
import org.junit.jupiter.api.Test;

/**
 * Off-heap regions and their access: zeroed, aligned memory; addresses that are real where the DLL is
 * loaded and synthetic (unique, aligned, never 0, never a user-mode address) where it is not; bad offsets
 * and sizes refused with exceptions, never a write elsewhere. And no class of the library refers to
 * {@code sun.misc.Unsafe}, whose first use JDK 24+ reports on standard error (issue 16).
 */
class NativeRegionTest {

    @Test
    void aRegionIsZeroedAlignedAndAsLargeAsAsked() {
        for (int alignment : new int[] {8, 64, 4096}) {
            NativeRegion r = NativeRegion.allocate(100, alignment);
            ByteBuffer m = r.memory();
            assertTrue(m.isDirect());
            assertTrue(r.size() >= 100 && r.size() % alignment == 0, "size " + r.size());
            assertEquals(0, m.alignmentOffset(0, alignment), "the memory itself is aligned to " + alignment);
            assertEquals(0, r.address() % alignment, "the address is aligned to " + alignment);
            for (int i = 0; i < r.size(); i++) {
                assertEquals(0, m.get(i), "byte " + i);
            }
        }
    }

    @Test
    void addressesAreRealWithANativeLibraryAndSyntheticWithout() {
        NativeRegion r = NativeRegion.allocate(64);
        assertNotEquals(0, r.address());
        assertEquals(!NativeLibraryLoader.isLoaded() && !LinuxLibrary.isLoaded(), r.isSynthetic());
        if (r.isSynthetic()) {
            // Non-canonical on x86-64: no process maps it, so a kernel handed one fails instead of writing.
            assertTrue(r.address() >= 1L << 62, Long.toHexString(r.address()));
        }
    }

    @Test
    void regionsNeverOverlapInAddressSpace() {
        List<NativeRegion> live = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            live.add(NativeRegion.allocate(1 + i * 37, 64));
        }
        live.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        for (int i = 1; i < live.size(); i++) {
            NativeRegion before = live.get(i - 1);
            assertTrue(before.address() + before.size() <= live.get(i).address(),
                    "region at 0x" + Long.toHexString(before.address()) + " (" + before.size()
                            + " bytes) runs into the next at 0x" + Long.toHexString(live.get(i).address()));
        }
    }

    @Test
    void accessReadsBackWhatItWroteInNativeOrder() {
        NativeRegion r = NativeRegion.allocate(64);
        ByteBuffer m = r.memory();
        NativeMemory.putLong(m, 0, 0x0102030405060708L);
        NativeMemory.putInt(m, 8, 0x0A0B0C0D);
        NativeMemory.putShort(m, 12, (short) 0x1122);
        NativeMemory.putByte(m, 14, (byte) 0x33);
        assertEquals(0x0102030405060708L, NativeMemory.getLong(m, 0));
        assertEquals(0x0A0B0C0D, NativeMemory.getInt(m, 8));
        assertEquals((short) 0x1122, NativeMemory.getShort(m, 12));
        assertEquals((byte) 0x33, NativeMemory.getByte(m, 14));
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0x08 : 0x01, m.get(0),
                "native byte order, whatever the buffer's own order");

        assertTrue(NativeMemory.compareAndSetLong(m, 16, 0, 7));
        assertFalse(NativeMemory.compareAndSetLong(m, 16, 0, 9));
        NativeMemory.putLongVolatile(m, 24, -1);
        assertEquals(7, NativeMemory.getLongVolatile(m, 16));
        assertEquals(-1, NativeMemory.getLongVolatile(m, 24));

        NativeMemory.putUtf16z(m, 32, "héllo");
        assertEquals("héllo", NativeMemory.getUtf16(m, 32, 5));
        assertEquals(0, NativeMemory.getShort(m, 32 + 10), "the terminating NUL");
    }

    @Test
    void aBadOffsetOrSizeIsAnExceptionNeverAStrayWrite() {
        NativeRegion r = NativeRegion.allocate(32);
        ByteBuffer m = r.memory();
        assertThrows(IndexOutOfBoundsException.class, () -> NativeMemory.putLong(m, 32, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> NativeMemory.getLong(m, 25));
        assertThrows(IndexOutOfBoundsException.class, () -> NativeMemory.putInt(m, -4, 1));
        assertThrows(IllegalStateException.class, () -> NativeMemory.compareAndSetLong(m, 4, 0, 1),
                "an atomic access needs an aligned address");
        assertThrows(IllegalArgumentException.class, () -> NativeRegion.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> NativeRegion.allocate(8, 48));
        assertThrows(IllegalArgumentException.class, () -> NativeRegion.allocate(8, 8192));
        assertThrows(IllegalArgumentException.class, () -> NativeRegion.allocate(Integer.MAX_VALUE, 64));
    }

    @Test
    void noLibraryClassRefersToSunMiscUnsafe() throws IOException, URISyntaxException {
        Path classes = Paths.get(NativeMemory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders;
        if (Files.isDirectory(classes)) {
            try (Stream<Path> files = Files.walk(classes)) {
                offenders = files.filter(p -> p.toString().endsWith(".class")).filter(NativeRegionTest::namesUnsafe)
                        .map(p -> classes.relativize(p).toString()).collect(Collectors.toList());
            }
        } else {
            offenders = new ArrayList<>();
            try (ZipFile jar = new ZipFile(classes.toFile())) {
                for (ZipEntry e : Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            if (contains(in.readAllBytes())) {
                                offenders.add(e.getName());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(offenders.isEmpty(), "classes naming sun/misc/Unsafe in " + classes + ": " + offenders);
    }

    private static boolean namesUnsafe(Path classFile) {
        try {
            return contains(Files.readAllBytes(classFile));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a class file's constant pool holds the internal name (it would for any use of the class). */
    private static boolean contains(byte[] classFile) {
        return new String(classFile, StandardCharsets.ISO_8859_1).contains("sun/misc/Unsafe");
    }
}
