package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.iocp4j.Backend;
import org.iocp4j.BlockingAction;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.portable.PortableFiles;
import org.iocp4j.internal.portable.PortablePlatform;
import org.iocp4j.internal.portable.PortableSockets;
import org.iocp4j.internal.windows.NativeFiles;
import org.iocp4j.internal.windows.NativePipes;
import org.iocp4j.internal.windows.NativeSockets;
import org.iocp4j.internal.windows.WindowsPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The platform choice is the one switch: the property's values pick a platform (availability asked only for
 * {@code auto}), each platform hands out its own backends, and a port answers for the platform that opened it.
 */
class PlatformsTest {

    private static final BooleanSupplier AVAILABLE = () -> true;
    private static final BooleanSupplier UNAVAILABLE = () -> false;
    private static final BooleanSupplier NOT_ASKED = () -> {
        throw new AssertionError("availability asked for an explicit choice");
    };

    private String property;

    @BeforeEach
    void saveProperty() {
        property = System.getProperty(Platforms.BACKEND_PROPERTY); // the native leg runs with "native"
    }

    @AfterEach
    void restoreProperty() {
        if (property == null) {
            System.clearProperty(Platforms.BACKEND_PROPERTY);
        } else {
            System.setProperty(Platforms.BACKEND_PROPERTY, property);
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"auto", "", " Auto "})
    void autoTakesWindowsWhereTheDllLoadsAndPortableElsewhere(String value) {
        assertSame(WindowsPlatform.INSTANCE, Platforms.choose(value, AVAILABLE));
        assertSame(PortablePlatform.INSTANCE, Platforms.choose(value, UNAVAILABLE));
    }

    @Test
    void unsetIsAuto() {
        assertSame(WindowsPlatform.INSTANCE, Platforms.choose(null, AVAILABLE));
        assertSame(PortablePlatform.INSTANCE, Platforms.choose(null, UNAVAILABLE));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"native", "NATIVE", " native "})
    void nativeIsWindowsWhetherOrNotTheDllLoads(String value) {
        // Opening a port then fails with UnsatisfiedLinkError where it does not (IocpTest).
        assertSame(WindowsPlatform.INSTANCE, Platforms.choose(value, NOT_ASKED));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"portable", "Portable"})
    void portableIsPortableEvenWhereTheDllLoads(String value) {
        assertSame(PortablePlatform.INSTANCE, Platforms.choose(value, NOT_ASKED));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"epoll", "windows", "nativ"})
    void anythingElseIsRefusedWithTheChoices(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Platforms.choose(value, NOT_ASKED));
        assertTrue(e.getMessage().contains("auto, native or portable, not '" + value + "'"), e.getMessage());
    }

    @Test
    void thePropertyIsReadAtEachCall() {
        System.setProperty(Platforms.BACKEND_PROPERTY, "portable");
        assertSame(PortablePlatform.INSTANCE, Platforms.current());
        System.setProperty(Platforms.BACKEND_PROPERTY, "native");
        assertSame(WindowsPlatform.INSTANCE, Platforms.current());
        System.setProperty(Platforms.BACKEND_PROPERTY, "epoll");
        assertThrows(IllegalArgumentException.class, Platforms::current);
    }

    @Test
    void eachPlatformHandsOutItsOwnBackends() {
        assertEquals(Backend.NATIVE, WindowsPlatform.INSTANCE.backend());
        assertSame(NativeFiles.INSTANCE, WindowsPlatform.INSTANCE.files());
        assertSame(NativeSockets.INSTANCE, WindowsPlatform.INSTANCE.sockets());
        assertSame(NativePipes.INSTANCE, WindowsPlatform.INSTANCE.pipes());
        assertEquals(Backend.PORTABLE, PortablePlatform.INSTANCE.backend());
        assertSame(PortableFiles.INSTANCE, PortablePlatform.INSTANCE.files());
        assertSame(PortableSockets.INSTANCE, PortablePlatform.INSTANCE.sockets());
    }

    @Test
    void thePortablePlatformHasNoPipesAndRefusesToSkipOrCancelOnAnUnknownHandle() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                PortablePlatform.INSTANCE::pipes);
        assertTrue(e.getMessage().startsWith("named pipes are Windows-only"), e.getMessage());
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, PortablePlatform.INSTANCE.skipCompletionPortOnSuccess(0x4),
                "as SetFileCompletionNotificationModes on a value no portable file or socket holds");
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, PortablePlatform.INSTANCE.cancel(0x4, 0),
                "a value no portable file or socket holds");
    }

    @Test
    void aPortAnswersForThePlatformThatOpenedIt() throws Exception {
        try (CompletionPort port = PortablePlatform.INSTANCE.openPort(1)) {
            assertSame(PortablePlatform.INSTANCE, Platform.of(port));
            assertEquals(Backend.PORTABLE, port.backend());
        }
        try (CompletionPort foreign = new ForeignPort()) {
            assertThrows(IllegalArgumentException.class, () -> Platform.of(foreign));
        }
    }

    /** A port iocp4j did not open: it has no platform to answer for. */
    private static final class ForeignPort extends CompletionPort {
        @Override
        public Backend backend() {
            return Backend.PORTABLE;
        }

        @Override
        public int concurrency() {
            return 1;
        }

        @Override
        public void associate(long handle, long key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void post(long key, int bytesTransferred, long overlappedAddress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean poll(Completion into, long timeout, TimeUnit unit) {
            return false;
        }

        @Override
        public int poll(CompletionBatch into, long timeout, TimeUnit unit) {
            return 0;
        }

        @Override
        public <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
            return action.run();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
