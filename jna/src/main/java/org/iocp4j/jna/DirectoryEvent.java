package org.iocp4j.jna;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One change in a watched directory, from one {@code FILE_NOTIFY_INFORMATION} record, or the notice that
 * changes were lost ({@link Kind#OVERFLOW}).
 */
public final class DirectoryEvent {

    /** What happened: the {@code FILE_ACTION_*} of the record, or an overflow. */
    public enum Kind {
        /** {@code FILE_ACTION_ADDED} (1): a file or directory was created (or moved in). */
        CREATED(1),
        /** {@code FILE_ACTION_REMOVED} (2): a file or directory was deleted (or moved out). */
        DELETED(2),
        /** {@code FILE_ACTION_MODIFIED} (3): its data, size, times or attributes changed, per the filter. */
        MODIFIED(3),
        /** {@code FILE_ACTION_RENAMED_OLD_NAME} (4): renamed; this is the old name, the new one follows. */
        RENAMED_FROM(4),
        /** {@code FILE_ACTION_RENAMED_NEW_NAME} (5): renamed; this is the new name. */
        RENAMED_TO(5),
        /**
         * Changes were lost: the kernel's buffer for the handle overflowed ({@code ERROR_NOTIFY_ENUM_DIR},
         * or a completion of 0 bytes). Rescan the directory. Its name is empty.
         */
        OVERFLOW(0);

        private final int action;

        Kind(int action) {
            this.action = action;
        }

        /**
         * The {@code FILE_ACTION_*} code.
         *
         * @return the code, 0 for {@link #OVERFLOW}
         */
        public int action() {
            return action;
        }

        /** The kind of a {@code FILE_ACTION_*} code, or null for one this version does not know. */
        static Kind ofAction(int action) {
            switch (action) {
                case 1: return CREATED;
                case 2: return DELETED;
                case 3: return MODIFIED;
                case 4: return RENAMED_FROM;
                case 5: return RENAMED_TO;
                default: return null;
            }
        }
    }

    private final Path directory;
    private final Kind kind;
    private final String name;

    DirectoryEvent(Path directory, Kind kind, String name) {
        this.directory = directory;
        this.kind = kind;
        this.name = name;
    }

    /**
     * What happened.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The name relative to the watched directory, as Windows reports it ({@code sub\file.txt} when the
     * watch covers the subtree); empty for {@link Kind#OVERFLOW}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The watched directory the name is relative to.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * The name resolved against the watched directory (the directory itself for {@link Kind#OVERFLOW}).
     *
     * @return the path
     */
    public Path path() {
        return name.isEmpty() ? directory : directory.resolve(name);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DirectoryEvent)) {
            return false;
        }
        DirectoryEvent e = (DirectoryEvent) o;
        return kind == e.kind && name.equals(e.name) && directory.equals(e.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directory, kind, name);
    }

    @Override
    public String toString() {
        return kind + (name.isEmpty() ? "" : " " + name);
    }
}
