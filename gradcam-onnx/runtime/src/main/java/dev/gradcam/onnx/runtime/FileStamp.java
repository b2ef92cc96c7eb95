package dev.gradcam.onnx.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model file's identity without reading it: its real path, size, modification time, status-change time (where
 * the file system has one) and file key (device and inode on Unix). Any write changes the status-change time, which
 * no tool can set back, so a file rewritten with the same size and its old modification time restored still gets a
 * new identity. What the compile cache remembers a model's digest under.
 *
 * @param id            a hex SHA-256 of those attributes
 * @param size          the file's size in bytes
 * @param changedMillis the later of the modification and status-change times, in epoch milliseconds
 * @param changeTimed   whether the status-change time is part of the identity (Unix file systems): without it a
 *                      rewrite that restores the modification time keeps the identity, so nothing is remembered
 */
record FileStamp(String id, long size, long changedMillis, boolean changeTimed) {

    /** The stamp of {@code file}, or null when it cannot be read. */
    static FileStamp of(Path file) {
        try {
            Path real = file.toRealPath();
            BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
            FileTime ctime = statusChangeTime(real);
            String id = real + "|" + attrs.size() + "|" + attrs.lastModifiedTime().toInstant() + "|"
                    + (ctime == null ? "-" : ctime.toInstant()) + "|" + attrs.fileKey();
            long changed = Math.max(attrs.lastModifiedTime().toMillis(), ctime == null ? 0 : ctime.toMillis());
            return new FileStamp(HexFormat.of().formatHex(sha256(id)), attrs.size(), changed, ctime != null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static FileTime statusChangeTime(Path file) {
        try {
            return (FileTime) Files.getAttribute(file, "unix:ctime");
        } catch (IOException | RuntimeException e) {
            return null; // not a Unix file system: size, modification time and file key only
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
